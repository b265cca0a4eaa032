import { UsageError } from './usage-error.js';
import type { Word } from './words.js';

/** A one-letter flag: boolean (`-s`) or taking a value (`-v version`). */
export interface FlagSpec {
  readonly letter: string;
  /** The value's placeholder in the usage line; absent for a boolean flag. */
  readonly value?: string;
  readonly description: string;
}

export interface ArgSpec {
  readonly name: string;
  readonly optional?: boolean;
}

/** What a command accepts, as zkCli spells it: `set [-s] [-v version] path data`. */
export interface CommandSyntax {
  readonly name: string;
  readonly flags: readonly FlagSpec[];
  readonly args: readonly ArgSpec[];
}

export interface ParsedArgs {
  /** Boolean flags given, by letter. */
  readonly flags: ReadonlySet<string>;
  /** Value flags given, by letter (the last one wins when repeated). */
  readonly values: ReadonlyMap<string, string>;
  readonly positionals: readonly string[];
}

/** `set [-s] [-v version] path data` */
export function usageLine(syntax: CommandSyntax): string {
  const parts = [syntax.name];
  for (const f of syntax.flags) parts.push(f.value === undefined ? `[-${f.letter}]` : `[-${f.letter} ${f.value}]`);
  for (const a of syntax.args) parts.push(a.optional === true ? `[${a.name}]` : a.name);
  return parts.join(' ');
}

const NEGATIVE_NUMBER = /^-\d+$/;

/**
 * Parses the words after the command name, POSIX style as zkCli's commons-cli parser does:
 * flags may come before, between or after positionals; boolean flags may be bundled (`-sw`);
 * a value may be attached (`-v3`) or follow (`-v 3`). `--` ends the flags. Quoted words and
 * negative numbers (`set /n -1`) are always positionals, so data that starts with `-` needs
 * quotes or `--` only when it looks like a flag.
 */
export function parseArgs(syntax: CommandSyntax, words: readonly Word[]): ParsedArgs {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const positionals: string[] = [];
  const byLetter = new Map(syntax.flags.map((f) => [f.letter, f]));
  let flagsEnded = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as Word;
    const text = word.text;
    if (flagsEnded || word.quoted || !text.startsWith('-') || text === '-' || NEGATIVE_NUMBER.test(text)) {
      positionals.push(text);
      continue;
    }
    if (text === '--') {
      flagsEnded = true;
      continue;
    }
    if (text.startsWith('--')) throw new UsageError(`unknown option ${text}`);
    for (let j = 1; j < text.length; j++) {
      const letter = text[j] as string;
      const spec = byLetter.get(letter);
      if (spec === undefined) throw new UsageError(`unknown flag -${letter}`);
      if (spec.value === undefined) {
        flags.add(letter);
        continue;
      }
      const attached = text.slice(j + 1);
      if (attached !== '') {
        values.set(letter, attached);
      } else {
        const next = words[i + 1];
        if (next === undefined) throw new UsageError(`flag -${letter} needs a ${spec.value}`);
        values.set(letter, next.text);
        i++;
      }
      break;
    }
  }
  const required = syntax.args.filter((a) => a.optional !== true).length;
  if (positionals.length < required) {
    const missing = syntax.args[positionals.length];
    throw new UsageError(`missing ${missing === undefined ? 'argument' : missing.name}`);
  }
  if (positionals.length > syntax.args.length) {
    const extra = positionals.slice(syntax.args.length).map((p) => JSON.stringify(p)).join(' ');
    throw new UsageError(`too many arguments: ${extra}${syntax.args.length > 0 ? ' (quote data that contains spaces)' : ''}`);
  }
  return { flags, values, positionals };
}

/** An integer flag value such as a version (-1 allowed, as ZooKeeper's "any version"). */
export function parseIntegerValue(text: string, what: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(text)) throw new UsageError(`${what} must be an integer, got ${JSON.stringify(text)}`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${what} must be an integer from ${min} to ${max}, got ${text}`);
  return n;
}
