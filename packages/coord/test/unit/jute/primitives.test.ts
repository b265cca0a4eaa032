import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { MarshallingError } from '../../../src/errors/errors.js';
import { bool, buffer, decode, empty, encode, int, long, record, ustring, vector } from '../../../src/jute/codec.js';
import { JuteReader } from '../../../src/jute/reader.js';
import { JuteWriter } from '../../../src/jute/writer.js';
import { fromHex, hex, toHex, utf8 } from './hex.js';

// Golden bytes for the jute primitives (BinaryOutputArchive / BinaryInputArchive): big-endian,
// no tags, no padding; buffer and ustring are int32-length-prefixed with -1 meaning null.

describe('int', () => {
  it.each([
    [0, '00000000'],
    [1, '00000001'],
    [0x01020304, '01020304'],
    [-1, 'ffffffff'],
    [-101, 'ffffff9b'],
    [0x7fffffff, '7fffffff'],
    [-0x80000000, '80000000'],
  ])('%d is 4 bytes big-endian %s', (value, bytes) => {
    expect(toHex(encode(int, value))).toBe(bytes);
    expect(decode(int, fromHex(bytes))).toBe(value);
  });

  it.each([0x80000000, -0x80000001, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses %d instead of wrapping it', (value) => {
    expect(() => encode(int, value)).toThrow(MarshallingError);
  });
});

describe('long', () => {
  it.each([
    [0n, '0000000000000000'],
    [1n, '0000000000000001'],
    [0x0102030405060708n, '0102030405060708'],
    [-1n, 'ffffffffffffffff'],
    [0x7fffffffffffffffn, '7fffffffffffffff'],
    [-(2n ** 63n), '8000000000000000'],
    // A zxid: epoch in the high 32 bits, counter in the low 32.
    [0x0000000500000007n, '0000000500000007'],
  ])('%s is 8 bytes big-endian %s', (value, bytes) => {
    expect(toHex(encode(long, value))).toBe(bytes);
    expect(decode(long, fromHex(bytes))).toBe(value);
  });

  it('reads values on both sides of ±2^53 exactly (the reader converts smaller ones through a double)', () => {
    const edges = [2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n), -(2n ** 53n) - 1n, 2n ** 32n - 1n, 2n ** 32n, -(2n ** 32n), -(2n ** 32n) - 1n, 1732660000000n, -2n];
    for (const value of edges) {
      const bytes = Buffer.alloc(8);
      bytes.writeBigInt64BE(value);
      expect(decode(long, bytes)).toBe(value);
    }
    fc.assert(
      fc.property(fc.oneof(fc.bigInt({ min: -(2n ** 54n), max: 2n ** 54n }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })), (value) => {
        expect(decode(long, encode(long, value))).toBe(value);
      }),
      { seed: 0x10c, numRuns: 2000 },
    );
  });

  it('writes unsigned 64-bit values as their two-complement bits and reads them back signed', () => {
    // Long.MIN_VALUE is the container ephemeralOwner marker; it must survive as all 64 bits.
    expect(toHex(encode(long, 0x8000000000000000n))).toBe('8000000000000000');
    expect(decode(long, fromHex('8000000000000000'))).toBe(-0x8000000000000000n);
    expect(toHex(encode(long, 0xffffffffffffffffn))).toBe('ffffffffffffffff');
    expect(decode(long, encode(long, 0xffffffffffffffffn))).toBe(-1n);
  });

  it('keeps every bit of a session id with the server id in the top byte', () => {
    // SessionTrackerImpl: serverId << 56 | low 40 bits of the ms clock << 16 | counter.
    const sessionId = (5n << 56n) | (0x0123456789n << 16n) | 0x0001n;
    expect(sessionId).toBe(0x0501234567890001n);
    expect(toHex(encode(long, sessionId))).toBe('0501234567890001');
    expect(decode(long, encode(long, sessionId))).toBe(sessionId);

    // Server id 255 sets the sign bit: the value reads back negative but with identical bits.
    const highId = (0xffn << 56n) | (0x0123456789n << 16n) | 0xfffen;
    const bytes = encode(long, highId);
    expect(toHex(bytes)).toBe('ff0123456789fffe');
    const back = decode(long, bytes);
    expect(back < 0n).toBe(true);
    expect(BigInt.asUintN(64, back)).toBe(highId);
    expect((back >> 56n) & 0xffn).toBe(0xffn);
    // Bits above 2^53 would be lost through a JS number; the low counter survives.
    expect(back & 0xffffn).toBe(0xfffen);
  });
});

describe('bool', () => {
  it('is one byte 0 or 1', () => {
    expect(toHex(encode(bool, true))).toBe('01');
    expect(toHex(encode(bool, false))).toBe('00');
    expect(decode(bool, fromHex('00'))).toBe(false);
    expect(decode(bool, fromHex('01'))).toBe(true);
  });

  it('reads any non-zero byte as true, as DataInput.readBoolean does', () => {
    expect(decode(bool, fromHex('02'))).toBe(true);
    expect(decode(bool, fromHex('ff'))).toBe(true);
  });
});

describe('buffer', () => {
  it('is an int32 length then the bytes', () => {
    expect(toHex(encode(buffer, new Uint8Array([1, 2, 3])))).toBe(hex('00000003 010203'));
    expect(decode(buffer, fromHex('00000003 010203'))).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('writes null as length -1 and reads -1 back as null', () => {
    expect(toHex(encode(buffer, null))).toBe('ffffffff');
    expect(decode(buffer, fromHex('ffffffff'))).toBeNull();
  });

  it('keeps empty distinct from null', () => {
    expect(toHex(encode(buffer, new Uint8Array(0)))).toBe('00000000');
    const back = decode(buffer, fromHex('00000000'));
    expect(back).not.toBeNull();
    expect(back).toEqual(new Uint8Array(0));
  });

  it('returns a copy, not a view of the input', () => {
    const input = fromHex('00000002 aabb');
    const back = decode(buffer, input);
    input[4] = 0;
    expect(back).toEqual(new Uint8Array([0xaa, 0xbb]));
  });

  it('rejects a length below -1 and a length past the end', () => {
    expect(() => decode(buffer, fromHex('fffffffe'))).toThrow(MarshallingError);
    expect(() => decode(buffer, fromHex('00000004 010203'))).toThrow(MarshallingError);
    expect(() => decode(buffer, fromHex('7fffffff 00'))).toThrow(MarshallingError);
  });
});

describe('ustring', () => {
  it('is an int32 byte length then UTF-8', () => {
    expect(toHex(encode(ustring, '/zk'))).toBe(hex('00000003 2f7a6b'));
    expect(decode(ustring, fromHex('00000003 2f7a6b'))).toBe('/zk');
    expect(toHex(encode(ustring, ''))).toBe('00000000');
    expect(decode(ustring, fromHex('00000000'))).toBe('');
  });

  it.each([
    ['é', '00000002 c3a9'],
    ['€', '00000003 e282ac'],
    ['😀', '00000004 f09f9880'],
    ['/a/é€😀', '0000000c 2f612f c3a9 e282ac f09f9880'],
  ])('counts UTF-8 bytes, not UTF-16 units: %s', (text, bytes) => {
    expect(toHex(encode(ustring, text))).toBe(hex(bytes));
    expect(decode(ustring, fromHex(bytes))).toBe(text);
  });

  it('writes null as -1 and reads -1 as the empty string', () => {
    const w = new JuteWriter();
    w.ustring(null);
    expect(toHex(w.toBuffer())).toBe('ffffffff');
    expect(decode(ustring, fromHex('ffffffff'))).toBe('');
  });

  it('rejects a length below -1 and a length past the end', () => {
    expect(() => decode(ustring, fromHex('80000000'))).toThrow(MarshallingError);
    expect(() => decode(ustring, fromHex('00000005 61626364'))).toThrow(MarshallingError);
  });
});

describe('vector', () => {
  const ints = vector(int);

  it('is an int32 count then the items', () => {
    expect(toHex(encode(ints, [1, -1]))).toBe(hex('00000002 00000001 ffffffff'));
    expect(decode(ints, fromHex('00000002 00000001 ffffffff'))).toEqual([1, -1]);
    expect(toHex(encode(ints, []))).toBe('00000000');
  });

  it('reads a null vector (-1) as empty', () => {
    expect(decode(ints, fromHex('ffffffff'))).toEqual([]);
  });

  it('exposes its item codec', () => {
    expect(ints.item).toBe(int);
    expect(vector(ustring).item).toBe(ustring);
  });

  it('rejects a count that cannot fit in the bytes left, before allocating', () => {
    expect(() => decode(ints, fromHex('7fffffff 00000001'))).toThrow(MarshallingError);
    expect(() => decode(vector(ustring), fromHex('7fffffff'))).toThrow(MarshallingError);
    // Two ints claimed, one present.
    expect(() => decode(ints, fromHex('00000002 00000001'))).toThrow(MarshallingError);
  });

  it('bounds the count by the item minBytes, so no item is read for an impossible count', () => {
    const pair = record({ a: long, b: long });
    expect(pair.minBytes).toBe(16);
    const reads = vi.spyOn(pair, 'read');
    // Three 16-byte items claimed with 40 bytes left: 40 one-byte items would fit, these do not.
    expect(() => decode(vector(pair), Buffer.concat([fromHex('00000003'), Buffer.alloc(40)]))).toThrow(MarshallingError);
    expect(reads).not.toHaveBeenCalled();
    // Exactly enough bytes is fine.
    expect(decode(vector(pair), Buffer.concat([fromHex('00000003'), Buffer.alloc(48)]))).toHaveLength(3);
    expect(reads).toHaveBeenCalledTimes(3);
  });

  it('rejects a count below -1', () => {
    expect(() => decode(ints, fromHex('fffffffe'))).toThrow(MarshallingError);
  });
});

describe('record', () => {
  it('writes fields in declaration order with no tags or padding', () => {
    const codec = record({ z: int, a: bool, m: ustring });
    expect(codec.minBytes).toBe(9);
    const bytes = encode(codec, { z: 7, a: true, m: 'x' });
    expect(toHex(bytes)).toBe(hex('00000007 01 00000001 78'));
    expect(decode(codec, bytes)).toEqual({ z: 7, a: true, m: 'x' });
  });

  it('refuses a hand-written fast path that disagrees with the field list, when the record is declared', () => {
    expect(() => record({ a: int, b: int }, { read: (r) => { const b = r.int(); return { a: r.int(), b }; } })).toThrow(/fast path/);
    expect(() => record({ a: long, b: int }, { read: (r) => ({ a: r.long(), b: 0 }) })).toThrow(/fast path/);
    expect(() => record({ a: int, b: ustring }, { write: (w, v) => void w.ustring(v.b).int(v.a) })).toThrow(/fast path/);
    const agreeing = record({ a: int, b: long, c: buffer }, { read: (r) => ({ a: r.int(), b: r.long(), c: r.buffer() }), write: (w, v) => void w.int(v.a).long(v.b).buffer(v.c) });
    expect(toHex(encode(agreeing, { a: 1, b: 2n, c: null }))).toBe(hex('00000001 0000000000000002 ffffffff'));
  });

  it('the empty record is zero bytes', () => {
    expect(encode(empty, {}).length).toBe(0);
    expect(decode(empty, new Uint8Array(0))).toEqual({});
  });
});

describe('decode', () => {
  it('rejects trailing bytes', () => {
    expect(() => decode(int, fromHex('00000001 00'))).toThrow(MarshallingError);
    expect(() => decode(empty, fromHex('00'))).toThrow(MarshallingError);
    expect(() => decode(buffer, fromHex('ffffffff ff'))).toThrow(MarshallingError);
  });

  it('rejects truncated input of every primitive with MarshallingError', () => {
    expect(() => decode(int, fromHex('000000'))).toThrow(MarshallingError);
    expect(() => decode(long, fromHex('00000000000000'))).toThrow(MarshallingError);
    expect(() => decode(bool, new Uint8Array(0))).toThrow(MarshallingError);
    expect(() => decode(buffer, fromHex('00'))).toThrow(MarshallingError);
    expect(() => decode(ustring, fromHex('000000'))).toThrow(MarshallingError);
  });

  it('accepts a Uint8Array that is a window into a larger buffer', () => {
    const backing = fromHex('ff 00000009 ff');
    const window = new Uint8Array(backing.buffer, backing.byteOffset + 1, 4);
    expect(decode(int, window)).toBe(9);
  });
});

describe('JuteReader', () => {
  it('reads only within [start, end)', () => {
    const r = new JuteReader(fromHex('00000001 00000002 00000003'), 4, 8);
    expect(r.remaining).toBe(4);
    expect(r.int()).toBe(2);
    expect(r.offset).toBe(8);
    expect(() => r.int()).toThrow(MarshallingError);
  });

  it('rest() returns what is left and consumes it', () => {
    const r = new JuteReader(fromHex('00000001 aabbcc'));
    r.int();
    expect(toHex(r.rest())).toBe('aabbcc');
    expect(r.remaining).toBe(0);
  });
});

describe('JuteWriter', () => {
  it('grows past its initial size without losing bytes', () => {
    const w = new JuteWriter(16);
    for (let i = 0; i < 10_000; i++) w.int(i);
    const out = w.toBuffer();
    expect(out.length).toBe(40_000);
    const r = new JuteReader(out);
    for (let i = 0; i < 10_000; i++) expect(r.int()).toBe(i);
  });

  it('grows for a single write larger than twice its buffer', () => {
    const big = new Uint8Array(5_000).fill(7);
    const w = new JuteWriter(16);
    w.buffer(big);
    expect(decode(buffer, w.toBuffer())).toEqual(big);
  });

  it('patchInt overwrites an earlier length prefix', () => {
    const w = new JuteWriter();
    w.int(0);
    w.raw(utf8('abc'));
    w.patchInt(0, 3);
    expect(toHex(w.toBuffer())).toBe(hex('00000003 616263'));
    expect(w.length).toBe(7);
  });

  it('toBuffer is a copy', () => {
    const w = new JuteWriter();
    w.int(1);
    const first = w.toBuffer();
    w.patchInt(0, 2);
    expect(toHex(first)).toBe('00000001');
  });
});
