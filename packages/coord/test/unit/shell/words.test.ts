import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/shell/usage-error.js';
import { isBlankOrComment, splitWords } from '../../../src/cli/shell/words.js';

const texts = (line: string) => splitWords(line).map((w) => w.text);

describe('splitWords', () => {
  it('splits on spaces and tabs, ignoring runs and ends', () => {
    expect(texts('  ls\t -s   /a  ')).toEqual(['ls', '-s', '/a']);
    expect(texts('')).toEqual([]);
  });

  it('keeps quoted text as one word and marks it quoted', () => {
    expect(splitWords('set /a "hello world"')).toEqual([
      { text: 'set', quoted: false },
      { text: '/a', quoted: false },
      { text: 'hello world', quoted: true },
    ]);
    expect(texts("create /a 'it''s'")).toEqual(['create', '/a', 'its']);
  });

  it('gives an empty word for empty quotes', () => {
    expect(splitWords('create /a ""')).toEqual([
      { text: 'create', quoted: false },
      { text: '/a', quoted: false },
      { text: '', quoted: true },
    ]);
  });

  it('joins adjacent quoted and unquoted parts', () => {
    expect(texts('a"b c"d')).toEqual(['ab cd']);
  });

  it('honours \\" and \\\\ inside double quotes only', () => {
    expect(texts('"say \\"hi\\" \\\\ \\n"')).toEqual(['say "hi" \\ \\n']);
    expect(texts("'a\\\"b'")).toEqual(['a\\"b']);
    expect(texts('a\\b')).toEqual(['a\\b']);
  });

  it('rejects unterminated quotes', () => {
    expect(() => splitWords('set /a "oops')).toThrow(UsageError);
    expect(() => splitWords("set /a 'oops")).toThrow(/unterminated ' quote at column 8/);
  });
});

describe('isBlankOrComment', () => {
  it('skips blank lines and # comments', () => {
    expect(isBlankOrComment('')).toBe(true);
    expect(isBlankOrComment('   \t')).toBe(true);
    expect(isBlankOrComment('# create /a')).toBe(true);
    expect(isBlankOrComment('   # indented')).toBe(true);
    expect(isBlankOrComment('ls /')).toBe(false);
    expect(isBlankOrComment('create /a #not-a-comment')).toBe(false);
  });
});
