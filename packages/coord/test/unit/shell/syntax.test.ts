import { describe, expect, it } from 'vitest';
import { parseArgs, parseIntegerValue, usageLine, type CommandSyntax } from '../../../src/cli/shell/syntax.js';
import { UsageError } from '../../../src/cli/shell/usage-error.js';
import { splitWords } from '../../../src/cli/shell/words.js';

const set: CommandSyntax = {
  name: 'set',
  flags: [
    { letter: 's', description: 'stat' },
    { letter: 'v', value: 'version', description: 'version' },
  ],
  args: [{ name: 'path' }, { name: 'data' }],
};

const ls: CommandSyntax = {
  name: 'ls',
  flags: [
    { letter: 's', description: '' },
    { letter: 'R', description: '' },
    { letter: 'w', description: '' },
  ],
  args: [{ name: 'path' }],
};

const create: CommandSyntax = {
  name: 'create',
  flags: [{ letter: 'e', description: '' }, { letter: 't', value: 'ttl', description: '' }],
  args: [{ name: 'path' }, { name: 'data', optional: true }, { name: 'acl', optional: true }],
};

const parse = (syntax: CommandSyntax, line: string) => {
  const parsed = parseArgs(syntax, splitWords(line));
  return { flags: [...parsed.flags].sort(), values: Object.fromEntries(parsed.values), positionals: parsed.positionals };
};

describe('usageLine', () => {
  it('prints flags and arguments as zkCli does', () => {
    expect(usageLine(set)).toBe('set [-s] [-v version] path data');
    expect(usageLine(create)).toBe('create [-e] [-t ttl] path [data] [acl]');
  });
});

describe('parseArgs', () => {
  it('reads boolean flags, value flags and positionals', () => {
    expect(parse(set, '-s -v 3 /a hello')).toEqual({ flags: ['s'], values: { v: '3' }, positionals: ['/a', 'hello'] });
  });

  it('accepts flags after positionals, as commons-cli does', () => {
    expect(parse(ls, '/a -s')).toEqual({ flags: ['s'], values: {}, positionals: ['/a'] });
  });

  it('accepts bundled boolean flags and attached values', () => {
    expect(parse(ls, '-sRw /a')).toEqual({ flags: ['R', 's', 'w'], values: {}, positionals: ['/a'] });
    expect(parse(set, '-sv7 /a x')).toEqual({ flags: ['s'], values: { v: '7' }, positionals: ['/a', 'x'] });
  });

  it('takes quoted words, negative numbers, a lone dash and everything after -- as positionals', () => {
    expect(parse(set, '/a "-s"').positionals).toEqual(['/a', '-s']);
    expect(parse(set, '/a -1').positionals).toEqual(['/a', '-1']);
    expect(parse(set, '/a -').positionals).toEqual(['/a', '-']);
    expect(parse(set, '-s -- /a -v')).toEqual({ flags: ['s'], values: {}, positionals: ['/a', '-v'] });
  });

  it('lets a value flag take a negative number', () => {
    expect(parse(set, '-v -1 /a x').values).toEqual({ v: '-1' });
  });

  it('allows optional arguments to be left out', () => {
    expect(parse(create, '/a').positionals).toEqual(['/a']);
    expect(parse(create, '-e /a data world:anyone:r').positionals).toEqual(['/a', 'data', 'world:anyone:r']);
  });

  it('rejects unknown flags, long options, missing values, missing and extra arguments', () => {
    const bad = (syntax: CommandSyntax, line: string) => () => parseArgs(syntax, splitWords(line));
    expect(bad(ls, '-x /')).toThrow(new UsageError('unknown flag -x'));
    expect(bad(ls, '-sx /')).toThrow(new UsageError('unknown flag -x'));
    expect(bad(ls, '--recursive /')).toThrow(new UsageError('unknown option --recursive'));
    expect(bad(set, '/a x -v')).toThrow(new UsageError('flag -v needs a version'));
    expect(bad(set, '/a')).toThrow(new UsageError('missing data'));
    expect(bad(ls, '')).toThrow(new UsageError('missing path'));
    expect(bad(set, '/a hello world')).toThrow(/too many arguments: "world" \(quote data that contains spaces\)/);
  });
});

describe('parseIntegerValue', () => {
  it('parses integers within the bounds', () => {
    expect(parseIntegerValue('-1', 'version', -1, 10)).toBe(-1);
    expect(parseIntegerValue('10', 'version', -1, 10)).toBe(10);
  });

  it('rejects other text and out-of-range numbers', () => {
    expect(() => parseIntegerValue('abc', 'version', -1, 10)).toThrow(new UsageError('version must be an integer, got "abc"'));
    expect(() => parseIntegerValue('1.5', 'ttl', 1, 10)).toThrow(UsageError);
    expect(() => parseIntegerValue('0', 'ttl', 1, 10)).toThrow(new UsageError('ttl must be an integer from 1 to 10, got 0'));
    expect(() => parseIntegerValue('11', 'ttl', 1, 10)).toThrow(UsageError);
  });
});
