import { BadArgumentsError } from '../errors/errors.js';

/**
 * Where a setting came from: a line of a config file, or a command-line flag that overrides it.
 * Errors and warnings name it so an operator can go straight to the line.
 */
export type SettingSource =
  | { readonly kind: 'file'; readonly file: string; readonly line: number }
  | { readonly kind: 'flag'; readonly flag: string }
  | { readonly kind: 'unset'; readonly file: string };

/** `zoo.cfg:12`, `command-line flag --port`, or the file alone for a key set nowhere. */
export function describeSource(source: SettingSource): string {
  switch (source.kind) {
    case 'file':
      return `${source.file}:${source.line}`;
    case 'flag':
      return `command-line flag ${source.flag}`;
    case 'unset':
      return source.file;
  }
}

/**
 * A bad configuration value. A BadArgumentsError (so callers that branch on the error table
 * still can), carrying the key and where it was set; the message reads
 * `zoo.cfg:12: tickTime: expected a positive integer (milliseconds), got "abc"`.
 */
export class ConfigError extends BadArgumentsError {
  readonly key: string;
  readonly source: SettingSource;

  constructor(source: SettingSource, key: string, expected: string) {
    super({ message: `${describeSource(source)}: ${key}: ${expected}` });
    this.key = key;
    this.source = source;
  }

  /** The line number, when the value came from a file. */
  get line(): number | undefined {
    return this.source.kind === 'file' ? this.source.line : undefined;
  }
}

/** A non-fatal remark about the configuration (unknown key, clamped value, duplicate). */
export interface ConfigWarning {
  readonly key: string;
  readonly source: SettingSource;
  readonly message: string;
}

export function configWarning(source: SettingSource, key: string, detail: string): ConfigWarning {
  return { key, source, message: `${describeSource(source)}: ${key}: ${detail}` };
}
