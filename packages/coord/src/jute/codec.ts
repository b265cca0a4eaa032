import { MarshallingError } from '../errors/errors.js';
import { JuteReader } from './reader.js';
import { JuteWriter } from './writer.js';

/**
 * A codec for one jute type. Records are declared once as codecs (see records/) and shared by
 * client, server, persistence and tests.
 */
export interface Codec<T> {
  write(w: JuteWriter, value: T): void;
  read(r: JuteReader): T;
  /** Fewest bytes an encoded value can take; lets vector reads reject impossible counts early. */
  readonly minBytes: number;
}

export type ValueOf<C> = C extends Codec<infer T> ? T : never;

export const int: Codec<number> = { minBytes: 4, write: (w, v) => void w.int(v), read: (r) => r.int() };
export const long: Codec<bigint> = { minBytes: 8, write: (w, v) => void w.long(v), read: (r) => r.long() };
export const bool: Codec<boolean> = { minBytes: 1, write: (w, v) => void w.bool(v), read: (r) => r.bool() };
export const buffer: Codec<Uint8Array | null> = { minBytes: 4, write: (w, v) => void w.buffer(v), read: (r) => r.buffer() };
export const ustring: Codec<string> = { minBytes: 4, write: (w, v) => void w.ustring(v), read: (r) => r.ustring() };

/** A vector: int32 count (-1 = null, read as []) then the items. `item` is exposed for tooling and tests. */
export function vector<T>(item: Codec<T>): Codec<T[]> & { readonly item: Codec<T> } {
  return {
    item,
    minBytes: 4,
    write(w, items) {
      w.int(items.length);
      for (const v of items) item.write(w, v);
    },
    read(r) {
      const count = r.vectorCount(Math.max(1, item.minBytes));
      const out = new Array<T>(count);
      for (let i = 0; i < count; i++) out[i] = item.read(r);
      return out;
    },
  };
}

type Fields = Record<string, Codec<unknown>>;
export type RecordValue<F extends Fields> = { [K in keyof F]: ValueOf<F[K]> };

/** A record: fields in declaration order, as zookeeper.jute declares them. */
export function record<F extends Fields>(fields: F): Codec<RecordValue<F>> & { readonly fields: F } {
  const entries = Object.entries(fields);
  const minBytes = entries.reduce((sum, [, c]) => sum + c.minBytes, 0);
  return {
    fields,
    minBytes,
    write(w, value) {
      for (const [name, codec] of entries) codec.write(w, (value as Record<string, unknown>)[name]);
    },
    read(r) {
      const out: Record<string, unknown> = {};
      for (const [name, codec] of entries) out[name] = codec.read(r);
      return out as RecordValue<F>;
    },
  };
}

/** The empty record: requests and replies that carry only a header. */
export const empty: Codec<Record<string, never>> = { minBytes: 0, write: () => undefined, read: () => ({}) };

export function encode<T>(codec: Codec<T>, value: T): Buffer {
  const w = new JuteWriter(64);
  codec.write(w, value);
  return w.toBuffer();
}

/** Decodes one whole value; trailing bytes are an error, as they mean the framing is wrong. */
export function decode<T>(codec: Codec<T>, bytes: Uint8Array): T {
  const r = new JuteReader(bytes);
  const value = codec.read(r);
  if (r.remaining !== 0) throw new MarshallingError({ message: `${r.remaining} unexpected trailing bytes after record` });
  return value;
}
