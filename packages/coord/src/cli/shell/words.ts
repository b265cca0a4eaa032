import { UsageError } from './usage-error.js';

/** One word of a command line. A word that was quoted (even partly) is never taken as a flag. */
export interface Word {
  readonly text: string;
  readonly quoted: boolean;
}

/**
 * Splits a command line into words as a POSIX shell would, minus expansions: whitespace
 * separates words; '...' is literal; "..." is literal except for \" and \\; quotes may join
 * parts of one word (`a"b c"` is `ab c`); `""` is an empty word. zkCli strips quotes the same
 * way but cannot express a quote inside a quoted word.
 */
export function splitWords(line: string): Word[] {
  const words: Word[] = [];
  let text = '';
  let quoted = false;
  let inWord = false;
  let i = 0;
  const end = () => {
    if (inWord) words.push({ text, quoted });
    text = '';
    quoted = false;
    inWord = false;
  };
  while (i < line.length) {
    const c = line[i] as string;
    if (c === ' ' || c === '\t') {
      end();
      i++;
    } else if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) throw new UsageError(`unterminated ' quote at column ${i + 1}`);
      text += line.slice(i + 1, close);
      quoted = true;
      inWord = true;
      i = close + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new UsageError('unterminated " quote');
        const d = line[i] as string;
        if (d === '"') break;
        const next = line[i + 1];
        if (d === '\\' && (next === '"' || next === '\\')) {
          text += next;
          i += 2;
        } else {
          text += d;
          i++;
        }
      }
      quoted = true;
      inWord = true;
      i++;
    } else {
      text += c;
      inWord = true;
      i++;
    }
  }
  end();
  return words;
}

/** True for lines a script skips: blank, or a comment whose first non-blank character is `#`. */
export function isBlankOrComment(line: string): boolean {
  const trimmed = line.trim();
  return trimmed === '' || trimmed.startsWith('#');
}
