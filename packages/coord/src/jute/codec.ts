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

/**
 * Hand-written read and/or write for a record on the hot path (every reply has a ReplyHeader,
 * most carry a Stat): an object literal read field by field is about twice as fast as the
 * generic loop, whose dynamic property stores and codec calls cannot be specialised per record.
 * The field list stays the one declaration: record() checks a fast path against it once, when
 * the record is declared, and throws if they disagree.
 */
export interface RecordFastPath<V> {
  read?(r: JuteReader): V;
  write?(w: JuteWriter, value: V): void;
}

/** A record: fields in declaration order, as zookeeper.jute declares them. */
export function record<F extends Fields>(fields: F, fast: RecordFastPath<RecordValue<F>> = {}): Codec<RecordValue<F>> & { readonly fields: F } {
  const names = Object.keys(fields);
  const codecs = names.map((name) => fields[name] as Codec<unknown>);
  const count = names.length;
  const minBytes = codecs.reduce((sum, c) => sum + c.minBytes, 0);
  const generic: Codec<RecordValue<F>> = {
    minBytes,
    write(w, value) {
      for (let i = 0; i < count; i++) (codecs[i] as Codec<unknown>).write(w, (value as Record<string, unknown>)[names[i] as string]);
    },
    read(r) {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < count; i++) out[names[i] as string] = (codecs[i] as Codec<unknown>).read(r);
      return out as RecordValue<F>;
    },
  };
  if (fast.read !== undefined || fast.write !== undefined) checkFastPath(generic, fast, sampleFields(fields) as RecordValue<F>);
  return { fields, minBytes, write: fast.write ?? generic.write, read: fast.read ?? generic.read };
}

/** Throws unless the fast path reads and writes exactly the bytes the field list describes. */
function checkFastPath<V>(generic: Codec<V>, fast: RecordFastPath<V>, sample: V): void {
  const expected = encode(generic, sample);
  const problems: string[] = [];
  if (fast.write !== undefined) {
    const w = new JuteWriter(64);
    fast.write(w, sample);
    if (!w.toBuffer().equals(expected)) problems.push('its write does not produce the bytes of the field list');
  }
  if (fast.read !== undefined) {
    const r = new JuteReader(expected);
    let again: Buffer | undefined;
    try {
      const value = fast.read(r);
      if (r.remaining === 0) again = encode(generic, value);
    } catch {
      again = undefined;
    }
    if (again === undefined || !again.equals(expected)) problems.push('its read does not return the fields of the field list');
  }
  if (problems.length > 0) throw new Error(`record fast path disagrees with the record's fields: ${problems.join('; ')}`);
}

let sampleSeed = 0;

/**
 * A sample record in which ints, longs, buffers and strings all differ from one another, so a
 * fast path that swaps, skips or repeats a field cannot reproduce the bytes.
 */
function sampleFields(fields: Fields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(fields)) out[name] = sampleOf(fields[name] as Codec<unknown>);
  return out;
}

function sampleOf(codec: Codec<unknown>): unknown {
  const n = ++sampleSeed;
  if (codec === int) return n;
  if (codec === long) return BigInt(n) * 0x100000001n;
  if (codec === bool) return n % 2 === 0;
  if (codec === buffer) return Uint8Array.of(n & 0xff, n >> 8);
  if (codec === ustring) return `f${n}`;
  const { fields, item } = codec as { fields?: Fields; item?: Codec<unknown> };
  if (item !== undefined) return [sampleOf(item)];
  if (fields !== undefined) return sampleFields(fields);
  throw new Error('a record with a fast path may hold only primitives, records and vectors');
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
