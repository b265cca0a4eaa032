/**
 * Value parsers for zoo.cfg settings. Each takes the trimmed text and returns the typed value,
 * or throws BadValue with what was expected; the resolver adds the file, line and key.
 * Strict on purpose: ZooKeeper often falls back silently (a non-"no" forceSync means yes), and a
 * typo that quietly changes durability is worse than a refusal to start.
 */

/** "expected …, got …": the resolver turns it into a ConfigError naming key and line. */
export class BadValue extends Error {
  constructor(readonly expected: string) {
    super(expected);
    this.name = 'BadValue';
  }
}

function got(raw: string): string {
  return raw === '' ? 'an empty value' : JSON.stringify(raw);
}

export interface IntegerRule {
  readonly min: number;
  readonly max?: number;
  /** Also accept 0x/# hex: ZooKeeper reads these keys with Integer.decode (jute.maxbuffer=0xfffff). */
  readonly hex?: boolean;
  /** Unit in the message, e.g. "milliseconds". */
  readonly unit?: string;
}

export function integer(rule: IntegerRule): (raw: string) => number {
  return (raw) => {
    const max = rule.max ?? 2 ** 31 - 1; // Java int, as ZooKeeper parses them
    const range = rule.max === undefined ? `>= ${rule.min}` : `${rule.min}..${max}`;
    const what = `expected an integer ${range}${rule.unit === undefined ? '' : ` (${rule.unit})`}, got ${got(raw)}`;
    let n: number;
    if (/^[+-]?\d+$/.test(raw)) n = Number(raw);
    else if (rule.hex === true && /^(0[xX]|#)[0-9a-fA-F]+$/.test(raw)) n = parseInt(raw.replace(/^(0[xX]|#)/, ''), 16);
    else throw new BadValue(what);
    if (!Number.isSafeInteger(n) || n < rule.min || n > max) throw new BadValue(what);
    return n;
  };
}

/** A TCP port; `allowZero` where 0 means "pick a free one" (coord's extension, handy in tests). */
export function port(allowZero: boolean): (raw: string) => number {
  return integer({ min: allowZero ? 0 : 1, max: 65535, unit: allowZero ? 'a TCP port, 0 = any free port' : 'a TCP port' });
}

/** true/false, any case, as Boolean.parseBoolean accepts; anything else is refused. */
export function boolean(raw: string): boolean {
  const v = raw.toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new BadValue(`expected true or false, got ${got(raw)}`);
}

/** forceSync's yes/no (ZooKeeper compares with "no"). */
export function yesNo(raw: string): boolean {
  const v = raw.toLowerCase();
  if (v === 'yes') return true;
  if (v === 'no') return false;
  throw new BadValue(`expected yes or no, got ${got(raw)}`);
}

/** A directory path; only emptiness can be judged without touching the disk. */
export function path(raw: string): string {
  if (raw === '') throw new BadValue('expected a directory path, got an empty value');
  return raw;
}

/** A host name or IP address to bind; brackets around IPv6 are dropped. */
export function host(raw: string): string {
  const h = raw.replace(/^\[(.*)\]$/, '$1');
  if (h === '' || /\s/.test(h)) throw new BadValue(`expected a host name or IP address, got ${got(raw)}`);
  return h;
}

/** A Java class name (metricsProvider.className). */
export function className(raw: string): string {
  if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(raw)) throw new BadValue(`expected a Java class name, got ${got(raw)}`);
  return raw;
}

/**
 * `user:base64(sha1(user:password))`, the form DigestAuthenticationProvider compares against
 * (generate it with `DigestAuthenticationProvider.generateDigest`).
 */
export function superDigest(raw: string): string {
  if (!/^[^:\s]+:[A-Za-z0-9+/]{27}=$/.test(raw)) throw new BadValue(`expected user:base64-sha1-digest (e.g. super:D/InIHSb7yEEbrWz8b9l71RjZJU=), got ${got(raw)}`);
  return raw;
}

/** Every four-letter word Apache ZooKeeper 3.8 knows; the whitelist may name any of them. */
export const KNOWN_FOUR_LETTER_WORDS = [
  'conf', 'cons', 'crst', 'dirs', 'dump', 'envi', 'gtmk', 'hash', 'isro', 'mntr', 'ruok', 'srst', 'srvr', 'stat', 'stmk', 'wchc', 'wchp', 'wchs',
] as const;
const knownWords = new Set<string>(KNOWN_FOUR_LETTER_WORDS);

/**
 * `4lw.commands.whitelist`: comma-separated words, or `*` for all. ZooKeeper ignores unknown
 * words; we refuse them, since a typo there silently disables the probe someone relies on.
 */
export function fourLetterWords(raw: string): readonly string[] | '*' {
  const words = raw.split(',').map((w) => w.trim()).filter((w) => w !== '');
  if (words.includes('*')) return '*';
  const bad = words.filter((w) => !knownWords.has(w));
  if (bad.length > 0) throw new BadValue(`expected a comma-separated list of four-letter words (${KNOWN_FOUR_LETTER_WORDS.join(', ')}) or *, got unknown ${bad.map((w) => JSON.stringify(w)).join(', ')}`);
  return [...new Set(words)];
}
