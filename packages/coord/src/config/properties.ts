/**
 * Java `.properties` syntax, as `java.util.Properties.load` reads it, because ZooKeeper reads
 * `zoo.cfg` with exactly that (QuorumPeerConfig.parse). Pure: text in, entries out.
 *
 * The rules that surprise people, kept here on purpose:
 * - a line whose first non-blank character is `#` or `!` is a comment, anywhere else they are data;
 * - the key ends at the first unescaped `=`, `:` or blank; `key value` is as valid as `key=value`;
 * - a line ending in an odd number of backslashes continues on the next line (leading blanks of
 *   the continuation are dropped); a comment line never continues;
 * - `\t \n \r \f \uXXXX` are escapes; any other `\x` is just `x`.
 * ZooKeeper then trims both key and value, so trailing blanks never matter.
 */

/** One `key=value` pair with the physical line (1-based) its logical line starts on. */
export interface PropertyEntry {
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

const BLANK = new Set([' ', '\t', '\f']);

/** Splits on `\n`, `\r\n` or `\r`, as Properties.load does. */
function physicalLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** True when `s` ends in an odd number of backslashes (an even run is escaped backslashes). */
function continues(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function stripLeadingBlanks(s: string): string {
  let i = 0;
  while (i < s.length && BLANK.has(s[i] ?? '')) i++;
  return s.slice(i);
}

/** Resolves escapes in a key or value. A malformed `\u` escape is an error in Java too. */
function unescape(s: string, line: number): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = s[++i];
    if (next === undefined) break;
    if (next === 'u') {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new PropertiesSyntaxError(line, `malformed \\uxxxx escape "\\u${hex}"`);
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else {
      out += ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[next] ?? next;
    }
  }
  return out;
}

/** Thrown for the one syntax error Java's reader has: a bad `\u` escape. */
export class PropertiesSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly detail: string,
  ) {
    super(`line ${line}: ${detail}`);
    this.name = 'PropertiesSyntaxError';
  }
}

/** Splits one logical line into raw (still escaped) key and value. */
function splitKeyValue(logical: string): { key: string; value: string } {
  let i = 0;
  let escaped = false;
  for (; i < logical.length; i++) {
    const c = logical[i] ?? '';
    if (escaped) {
      escaped = false;
      continue;
    }
    if (c === '\\') escaped = true;
    else if (c === '=' || c === ':' || BLANK.has(c)) break;
  }
  const key = logical.slice(0, i);
  let rest = stripLeadingBlanks(logical.slice(i));
  // One `=` or `:` separator may follow the blanks after the key.
  if (rest.startsWith('=') || rest.startsWith(':')) rest = stripLeadingBlanks(rest.slice(1));
  return { key, value: rest };
}

/**
 * Reads every entry in file order, duplicates included (Properties keeps the last one; the
 * caller decides what to say about the earlier ones). Keys and values are trimmed as ZooKeeper does.
 */
export function readProperties(text: string): PropertyEntry[] {
  const lines = physicalLines(text.startsWith('\uFEFF') ? text.slice(1) : text);
  const entries: PropertyEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    let logical = stripLeadingBlanks(lines[i] ?? '');
    if (logical === '' || logical.startsWith('#') || logical.startsWith('!')) continue;
    while (continues(logical) && i + 1 < lines.length) {
      logical = logical.slice(0, -1) + stripLeadingBlanks(lines[++i] ?? '');
    }
    if (continues(logical)) logical = logical.slice(0, -1);
    const { key, value } = splitKeyValue(logical);
    entries.push({ key: unescape(key, start).trim(), value: unescape(value, start).trim(), line: start });
  }
  return entries;
}
