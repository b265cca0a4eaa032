import fc from 'fast-check';
import { bool, buffer, int, long, ustring, type Codec } from '../../../src/jute/codec.js';
import { OpCode } from '../../../src/jute/opcodes.js';
import { MultiHeader } from '../../../src/jute/records/headers.js';
import { ConnectRequest, ConnectResponse } from '../../../src/jute/records/connect.js';
import { MultiRequest, MultiResponse, type MultiOp, type MultiResult } from '../../../src/jute/records/multi.js';
import { Stat } from '../../../src/jute/records/data.js';
import {
  CheckVersionRequest,
  CreateRequest,
  CreateTTLRequest,
  DeleteRequest,
  GetChildrenRequest,
  GetChildrenResponse,
  GetDataRequest,
  SetDataRequest,
} from '../../../src/jute/records/requests.js';
import type { JuteWriter } from '../../../src/jute/writer.js';
import { isRecordCodec, isVectorCodec, type AnyCodec } from './schema.js';

/**
 * fast-check arbitraries for jute values. Record and vector codecs get theirs generically from
 * their structure (`fields`, `item`); the four hand-written codecs have their own below. A codec
 * that is none of these makes `arbitraryFor` throw, so a new hand-written codec cannot slip
 * past the property tests unnoticed.
 */

export const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
export const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
export const nullableBytes = fc.option(fc.uint8Array({ maxLength: 48 }), { nil: null, freq: 4 });
/**
 * One code point from each UTF-8 length class in equal measure (1, 2, 3 and 4 bytes), never a
 * lone surrogate. Latin-1 (0x80-0xff) matters: it is where an ASCII fast path goes wrong.
 */
const codePoint = fc
  .oneof(
    fc.integer({ min: 0, max: 0x7f }),
    fc.integer({ min: 0x80, max: 0xff }),
    fc.integer({ min: 0x100, max: 0x7ff }),
    fc.integer({ min: 0x800, max: 0xd7ff }),
    fc.integer({ min: 0xe000, max: 0xffff }),
    fc.integer({ min: 0x10000, max: 0x10ffff }),
  )
  .map((cp) => String.fromCodePoint(cp));

/** Strings that survive UTF-8 round trips: printable ASCII (the writer's fast path) and any code point. */
export const text = fc.oneof(
  fc.string({ maxLength: 16 }),
  fc.string({ unit: codePoint, maxLength: 16 }),
  fc.string({ unit: 'binary', maxLength: 16 }),
  fc.constantFrom('/', '/zookeeper/config', '/locks/lock-0000000007', 'é€😀'),
);

const primitives = new Map<AnyCodec, fc.Arbitrary<unknown>>([
  [int as AnyCodec, int32],
  [long as AnyCodec, int64],
  [bool as AnyCodec, fc.boolean()],
  [buffer as AnyCodec, nullableBytes],
  [ustring as AnyCodec, text],
]);

/** Arbitraries for codecs with hand-written layouts; filled in below, read lazily. */
export const handWritten = new Map<AnyCodec, fc.Arbitrary<unknown>>();

export function arbitraryFor(codec: AnyCodec): fc.Arbitrary<unknown> {
  const known = primitives.get(codec) ?? handWritten.get(codec);
  if (known !== undefined) return known;
  if (isVectorCodec(codec)) return fc.array(arbitraryFor(codec.item), { maxLength: 4 });
  if (isRecordCodec(codec)) {
    const fields: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [name, fieldCodec] of Object.entries(codec.fields)) fields[name] = arbitraryFor(fieldCodec);
    return fc.record(fields);
  }
  throw new Error('no arbitrary for this codec: give it `fields`/`item` or add it to handWritten');
}

export function arbitraryOf<T>(codec: Codec<T>): fc.Arbitrary<T> {
  return arbitraryFor(codec as AnyCodec) as fc.Arbitrary<T>;
}

const readOnly = fc.option(fc.boolean(), { nil: undefined });

export const connectRequest = fc.record({
  protocolVersion: int32,
  lastZxidSeen: int64,
  timeOut: int32,
  sessionId: int64,
  passwd: nullableBytes,
  readOnly,
});

export const connectResponse = fc.record({
  protocolVersion: int32,
  timeOut: int32,
  sessionId: int64,
  passwd: nullableBytes,
  readOnly,
});

export const multiOp: fc.Arbitrary<MultiOp> = fc.oneof(
  fc.record({ type: fc.constantFrom(OpCode.create, OpCode.create2, OpCode.createContainer), request: arbitraryOf(CreateRequest) }),
  fc.record({ type: fc.constant(OpCode.createTTL), request: arbitraryOf(CreateTTLRequest) }),
  fc.record({ type: fc.constant(OpCode.delete), request: arbitraryOf(DeleteRequest) }),
  fc.record({ type: fc.constant(OpCode.setData), request: arbitraryOf(SetDataRequest) }),
  fc.record({ type: fc.constant(OpCode.check), request: arbitraryOf(CheckVersionRequest) }),
  fc.record({ type: fc.constant(OpCode.getChildren), request: arbitraryOf(GetChildrenRequest) }),
  fc.record({ type: fc.constant(OpCode.getData), request: arbitraryOf(GetDataRequest) }),
);

const stat = arbitraryOf(Stat);

export const multiResult: fc.Arbitrary<MultiResult> = fc.oneof(
  fc.record({ type: fc.constant(OpCode.create), path: text }),
  fc.record({ type: fc.constantFrom(OpCode.create2, OpCode.createContainer, OpCode.createTTL), path: text, stat }),
  fc.record({ type: fc.constantFrom(OpCode.delete, OpCode.check) }),
  fc.record({ type: fc.constant(OpCode.setData), stat }),
  fc.record({ type: fc.constant(OpCode.getChildren), children: fc.array(text, { maxLength: 4 }) }),
  fc.record({ type: fc.constant(OpCode.getData), data: nullableBytes, stat }),
  fc.record({ type: fc.constant(OpCode.error), err: int32 }),
);

/** The shape of a failed multi: every result an error; 0 before the failing op, -2 after it. */
export const failedMultiResults: fc.Arbitrary<MultiResult[]> = fc
  .tuple(fc.integer({ min: 1, max: 6 }), fc.nat(), fc.integer({ min: -127, max: -1 }))
  .map(([count, at, code]) =>
    Array.from({ length: count }, (_, i): MultiResult => {
      const failing = at % count;
      return { type: OpCode.error, err: i < failing ? 0 : i === failing ? code : -2 };
    }),
  );

handWritten.set(ConnectRequest as AnyCodec, connectRequest);
handWritten.set(ConnectResponse as AnyCodec, connectResponse);
handWritten.set(MultiRequest as AnyCodec, fc.array(multiOp, { maxLength: 5 }));
handWritten.set(MultiResponse as AnyCodec, fc.oneof(fc.array(multiResult, { maxLength: 5 }), failedMultiResults));

/** A length or count no sane peer sends: 2^31-1. */
export const BOMB = 0x7fffffff;

/**
 * Writes the smallest valid prefix of `codec` up to its first length-prefixed field (any
 * buffer/ustring/vector in `length` mode, only vectors in `vector` mode), writes BOMB as that
 * length and a few spare bytes, and returns true. Returns false if there is no such field.
 */
export function writeBomb(codec: AnyCodec, w: JuteWriter, mode: 'length' | 'vector'): boolean {
  if (codec === (int as AnyCodec)) {
    w.int(0);
    return false;
  }
  if (codec === (long as AnyCodec)) {
    w.long(0n);
    return false;
  }
  if (codec === (bool as AnyCodec)) {
    w.bool(false);
    return false;
  }
  if (codec === (buffer as AnyCodec) || codec === (ustring as AnyCodec) || isVectorCodec(codec)) {
    if (mode === 'vector' && !isVectorCodec(codec)) {
      w.int(0);
      return false;
    }
    w.int(BOMB);
    w.raw(new Uint8Array(16));
    return true;
  }
  if (isRecordCodec(codec)) {
    for (const field of Object.values(codec.fields)) if (writeBomb(field, w, mode)) return true;
    return false;
  }
  if (codec === (ConnectRequest as AnyCodec)) {
    w.int(0).long(0n).int(0).long(0n);
    return writeBomb(buffer as AnyCodec, w, mode);
  }
  if (codec === (ConnectResponse as AnyCodec)) {
    w.int(0).int(0).long(0n);
    return writeBomb(buffer as AnyCodec, w, mode);
  }
  if (codec === (MultiRequest as AnyCodec)) {
    MultiHeader.write(w, { type: OpCode.create, done: false, err: -1 });
    return writeBomb(CreateRequest as AnyCodec, w, mode);
  }
  if (codec === (MultiResponse as AnyCodec)) {
    MultiHeader.write(w, { type: OpCode.getChildren, done: false, err: 0 });
    return writeBomb(GetChildrenResponse as AnyCodec, w, mode);
  }
  throw new Error('writeBomb does not know this codec');
}
