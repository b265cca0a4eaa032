import { describe, expect, it } from 'vitest';
import { decodeInt32, decodeInt64, encodeInt32, encodeInt64 } from '../../../../src/recipes/shared/index.js';
import { wrapInt64 } from '../../../../src/recipes/shared/pure/codec.js';

describe('shared value codecs', () => {
  it('int32 is 4 bytes big-endian; empty reads as 0', () => {
    expect([...encodeInt32(0x01020304)]).toEqual([1, 2, 3, 4]);
    expect([...encodeInt32(-1)]).toEqual([255, 255, 255, 255]);
    expect(decodeInt32(encodeInt32(-123456))).toBe(-123456);
    expect(decodeInt32(new Uint8Array(0))).toBe(0);
    expect(() => encodeInt32(2 ** 31)).toThrow(RangeError);
    expect(() => decodeInt32(new Uint8Array(3))).toThrow(RangeError);
  });

  it('int64 is 8 bytes big-endian and wraps like Java', () => {
    expect([...encodeInt64(258n)]).toEqual([0, 0, 0, 0, 0, 0, 1, 2]);
    expect(decodeInt64(encodeInt64(-(2n ** 63n)))).toBe(-(2n ** 63n));
    expect(decodeInt64(new Uint8Array(0))).toBe(0n);
    expect(wrapInt64(2n ** 63n)).toBe(-(2n ** 63n));
    expect(() => encodeInt64(2n ** 63n)).toThrow(RangeError);
  });
});
