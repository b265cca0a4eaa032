import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MarshallingError } from '../../../src/errors/errors.js';
import { bool, buffer, decode, encode, int, long, ustring } from '../../../src/jute/codec.js';
import { FrameReader, frame } from '../../../src/jute/frame-reader.js';
import { JuteWriter } from '../../../src/jute/writer.js';
import { ConnectRequest, ConnectResponse } from '../../../src/jute/records/connect.js';
import { MultiRequest, MultiResponse } from '../../../src/jute/records/multi.js';
import { BOMB, arbitraryFor, failedMultiResults, handWritten, writeBomb } from './arbitraries.js';
import { isRecordCodec, isVectorCodec, recordModuleCodecs, type AnyCodec } from './schema.js';

// Fixed seed: every run explores the same cases, so a failure reproduces exactly. Raise numRuns
// locally when changing the codec; the defaults keep the whole file to a few seconds.
const SEED = 0x00c0_0d1e;
const runs = (numRuns: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns });

const primitiveCodecs = [
  { module: 'codec', name: 'int', codec: int as AnyCodec },
  { module: 'codec', name: 'long', codec: long as AnyCodec },
  { module: 'codec', name: 'bool', codec: bool as AnyCodec },
  { module: 'codec', name: 'buffer', codec: buffer as AnyCodec },
  { module: 'codec', name: 'ustring', codec: ustring as AnyCodec },
];
const allCodecs = [...recordModuleCodecs, ...primitiveCodecs];
const caseName = (c: { module: string; name: string }): string => `${c.module}.${c.name}`;

/** Asserts `fn` returns or throws MarshallingError; returns the error if one was thrown. */
function onlyMarshallingError(fn: () => void): MarshallingError | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    expect(err instanceof MarshallingError, `threw ${String(err)}`).toBe(true);
    return err as MarshallingError;
  }
}

describe('codec enumeration', () => {
  it('finds every records/*.ts codec, hand-written ones included', () => {
    const names = recordModuleCodecs.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['Stat', 'AclList', 'ConnectRequest', 'ConnectResponse', 'MultiRequest', 'MultiResponse', 'MultiTxn']));
    expect(recordModuleCodecs.length).toBeGreaterThanOrEqual(69);
  });

  it('every codec that is neither a record nor a vector has a hand-written arbitrary', () => {
    const opaque = recordModuleCodecs.filter((c) => !isRecordCodec(c.codec) && !isVectorCodec(c.codec)).map((c) => c.codec);
    expect(new Set(opaque)).toEqual(new Set(handWritten.keys()));
    expect(opaque).toEqual(expect.arrayContaining([ConnectRequest, ConnectResponse, MultiRequest, MultiResponse]));
  });
});

describe.each(allCodecs.map((c) => [caseName(c), c.codec] as const))('%s', (_name, codec) => {
  const values = arbitraryFor(codec);

  it('encode -> decode -> encode is byte-identical and decode is deep-equal', () => {
    fc.assert(
      fc.property(values, (value) => {
        const bytes = encode(codec, value);
        expect(bytes.length).toBeGreaterThanOrEqual(codec.minBytes);
        const back = decode(codec, bytes);
        expect(back).toEqual(value);
        expect(encode(codec, back).equals(bytes)).toBe(true);
      }),
      runs(500),
    );
  });

  it('random and corrupted bytes decode or throw MarshallingError, nothing else', () => {
    const mutation = fc.record({
      at: fc.nat(),
      kind: fc.constantFrom('set', 'insert', 'delete', 'truncate', 'word'),
      byte: fc.integer({ min: 0, max: 255 }),
      word: fc.constantFrom(BOMB, -1, -2, -0x80000000, 0, 1, 0xffff, 0x100000),
    });
    const corrupted = fc.tuple(values, fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([value, mutations]) => {
      let bytes = Buffer.from(encode(codec, value));
      for (const m of mutations) {
        const at = m.at % (bytes.length + 1);
        const word = Buffer.alloc(4);
        word.writeInt32BE(m.word, 0);
        if (m.kind === 'set' && at < bytes.length) bytes[at] = m.byte;
        else if (m.kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), Buffer.of(m.byte), bytes.subarray(at)]);
        else if (m.kind === 'delete') bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
        else if (m.kind === 'truncate') bytes = bytes.subarray(0, at);
        else if (m.kind === 'word') bytes = Buffer.concat([bytes.subarray(0, at), word, bytes.subarray(at + 4)]);
      }
      return new Uint8Array(bytes);
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 96 }), corrupted), (input) => {
        let value: unknown;
        const err = onlyMarshallingError(() => {
          value = decode(codec, input);
        });
        if (err === undefined) {
          // Whatever we accept we can re-emit, and re-reading that gives the same value.
          const again = encode(codec, value);
          expect(decode(codec, again)).toEqual(value);
        }
      }),
      runs(500),
    );
  });

  const bombs = (['length', 'vector'] as const).flatMap((mode) => {
    const w = new JuteWriter();
    return writeBomb(codec, w, mode) ? [[mode, w.toBuffer()] as const] : [];
  });
  if (bombs.length > 0) {
    it.each(bombs)('rejects a claimed %s of 2^31-1 at the length check, before allocating', (_mode, bytes) => {
      const err = onlyMarshallingError(() => decode(codec, bytes));
      expect(err).toBeDefined();
      // The error names the claimed length itself, not a later truncated item.
      expect(err?.message).toContain(String(BOMB));
    });
  }
});

describe('multi shapes', () => {
  it('a failed multi round-trips with every result type -1', () => {
    fc.assert(
      fc.property(failedMultiResults, (results) => {
        const bytes = encode(MultiResponse, results);
        expect(decode(MultiResponse, bytes)).toEqual(results);
        const errs = results.map((r) => (r.type === -1 ? r.err : NaN));
        const failing = errs.findIndex((e) => e !== 0);
        expect(errs.slice(0, failing).every((e) => e === 0)).toBe(true);
        expect(errs.slice(failing + 1).every((e) => e === -2)).toBe(true);
      }),
      runs(300),
    );
  });
});

/** Cuts `bytes` at the given points (taken modulo its length), in order. */
function chunked(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  return out;
}

const cuts = fc.array(fc.nat(), { maxLength: 12 });
const bodies = fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 6 });

describe('FrameReader properties', () => {
  it('any chunking of a valid stream gives back exactly the frames', () => {
    fc.assert(
      fc.property(bodies, cuts, (frames, at) => {
        const stream = Buffer.concat(frames.map((b) => frame(b)));
        const reader = new FrameReader(64);
        const out = chunked(stream, at).flatMap((chunk) => reader.push(chunk));
        expect(out.map((b) => new Uint8Array(b))).toEqual(frames);
        expect(reader.pendingBytes).toBe(0);
      }),
      runs(1000),
    );
  });

  it('arbitrary bytes in any chunking: push returns frames within the limit or throws MarshallingError', () => {
    const smallLengths = fc
      .array(fc.tuple(fc.integer({ min: -3, max: 48 }), fc.uint8Array({ maxLength: 48 })), { maxLength: 6 })
      .map((parts) => {
        const out: Buffer[] = [];
        for (const [length, body] of parts) {
          const h = Buffer.alloc(4);
          h.writeInt32BE(length, 0);
          out.push(h, Buffer.from(body));
        }
        return new Uint8Array(Buffer.concat(out));
      });
    const limit = fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 64 }));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 128 }), smallLengths), cuts, limit, (bytes, at, maxFrameBytes) => {
        const reader = new FrameReader(maxFrameBytes);
        let accounted = 0;
        let pushed = 0;
        let failed = false;
        for (const chunk of chunked(bytes, at)) {
          pushed += chunk.length;
          const err = onlyMarshallingError(() => {
            for (const body of reader.push(chunk)) {
              expect(body.length).toBeLessThanOrEqual(reader.maxFrameBytes);
              accounted += 4 + body.length;
            }
          });
          if (err !== undefined) failed = true;
          // Until the stream goes bad, no byte is lost or invented.
          if (!failed) expect(accounted + reader.pendingBytes).toBe(pushed);
        }
      }),
      runs(2000),
    );
  });
});
