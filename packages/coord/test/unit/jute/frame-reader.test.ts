import { afterEach, describe, expect, it, vi } from 'vitest';
import { MarshallingError } from '../../../src/errors/errors.js';
import { DEFAULT_MAX_FRAME_BYTES, FrameReader, frame } from '../../../src/jute/frame-reader.js';
import { fromHex, hex, toHex, utf8 } from './hex.js';

function header(length: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeInt32BE(length, 0);
  return out;
}

/** Pushes `stream` cut at the given offsets and returns every frame body as hex. */
function readSplit(stream: Uint8Array, cuts: readonly number[], reader = new FrameReader()): string[] {
  const out: string[] = [];
  let from = 0;
  for (const cut of [...cuts, stream.length]) {
    for (const body of reader.push(stream.subarray(from, cut))) out.push(toHex(body));
    from = cut;
  }
  expect(reader.pendingBytes).toBe(0);
  return out;
}

const bodies = [utf8('abc'), new Uint8Array(0), utf8('hello world'), new Uint8Array([0, 0, 0, 0xff])];
const stream = Buffer.concat(bodies.map((b) => frame(b)));
const expected = bodies.map((b) => toHex(b));

describe('frame', () => {
  it('prefixes the body with its int32 length', () => {
    expect(toHex(frame(utf8('abc')))).toBe(hex('00000003 616263'));
    expect(toHex(frame(new Uint8Array(0)))).toBe('00000000');
  });
});

describe('FrameReader', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('returns every complete frame of one push, without the length prefix', () => {
    expect(new FrameReader().push(stream).map(toHex)).toEqual(expected);
  });

  it('gives the same frames for a split at every possible boundary', () => {
    for (let i = 0; i <= stream.length; i++) {
      expect(readSplit(stream, [i])).toEqual(expected);
    }
  });

  it('gives the same frames for every pair of split points', () => {
    for (let i = 0; i <= stream.length; i++) {
      for (let j = i; j <= stream.length; j++) {
        expect(readSplit(stream, [i, j])).toEqual(expected);
      }
    }
  });

  it('gives the same frames one byte at a time', () => {
    expect(readSplit(stream, Array.from({ length: stream.length }, (_, i) => i))).toEqual(expected);
  });

  it('holds a partial frame until the rest arrives', () => {
    const reader = new FrameReader();
    expect(reader.push(fromHex('00000005 6869'))).toEqual([]);
    expect(reader.pendingBytes).toBe(6);
    expect(reader.push(new Uint8Array(0))).toEqual([]);
    expect(reader.push(fromHex('6a6b6c 0000'))).toEqual([fromHex('68696a6b6c')]);
    expect(reader.pendingBytes).toBe(2);
  });

  it('returns a zero-length frame as an empty body', () => {
    const reader = new FrameReader();
    const frames = reader.push(fromHex('00000000'));
    expect(frames).toHaveLength(1);
    expect(frames[0]?.length).toBe(0);
    expect(reader.pendingBytes).toBe(0);
  });

  it('accepts plain Uint8Array chunks as well as Buffers', () => {
    const reader = new FrameReader();
    const plain = new Uint8Array(stream);
    expect(reader.push(plain.subarray(0, 5)).map(toHex)).toEqual([]);
    expect(reader.push(plain.subarray(5)).map(toHex)).toEqual(expected);
  });

  it('reassembles a large frame from many chunks', () => {
    const body = Uint8Array.from({ length: 200_000 }, (_, i) => i % 251);
    const framed = frame(body);
    const reader = new FrameReader();
    const out: Buffer[] = [];
    for (let at = 0; at < framed.length; at += 1000) out.push(...reader.push(framed.subarray(at, at + 1000)));
    expect(out).toHaveLength(1);
    expect(out[0]?.equals(body)).toBe(true);
  });

  describe('length checks', () => {
    it('rejects a negative length as soon as its four bytes arrive, with no body sent', () => {
      for (const length of [-1, -2, -0x80000000]) {
        expect(() => new FrameReader().push(header(length))).toThrow(MarshallingError);
      }
    });

    it('rejects a length over the default limit from the header alone', () => {
      expect(DEFAULT_MAX_FRAME_BYTES).toBe(1024 * 1024);
      expect(() => new FrameReader().push(header(DEFAULT_MAX_FRAME_BYTES + 1))).toThrow(MarshallingError);
      expect(() => new FrameReader().push(header(0x7fffffff))).toThrow(MarshallingError);
    });

    it('accepts a length exactly at the limit and waits for the body', () => {
      const reader = new FrameReader();
      expect(reader.push(header(DEFAULT_MAX_FRAME_BYTES))).toEqual([]);
      expect(reader.pendingBytes).toBe(4);
    });

    it('rejects when the fourth header byte arrives, even split one byte at a time', () => {
      const reader = new FrameReader();
      const bad = header(-1);
      expect(reader.push(bad.subarray(0, 1))).toEqual([]);
      expect(reader.push(bad.subarray(1, 2))).toEqual([]);
      expect(reader.push(bad.subarray(2, 3))).toEqual([]);
      expect(() => reader.push(bad.subarray(3, 4))).toThrow(MarshallingError);
    });

    it('rejects a bad length that follows good frames in the same chunk, and stays failed', () => {
      const reader = new FrameReader();
      const chunk = Buffer.concat([frame(utf8('ok')), header(-5)]);
      expect(() => reader.push(chunk)).toThrow(MarshallingError);
      expect(() => reader.push(fromHex('00'))).toThrow(MarshallingError);
    });

    it('honours a configured limit', () => {
      const reader = new FrameReader(10);
      expect(reader.maxFrameBytes).toBe(10);
      expect(reader.push(frame(new Uint8Array(10)))).toHaveLength(1);
      expect(() => new FrameReader(10).push(header(11))).toThrow(MarshallingError);
      // A limit of zero admits only empty frames.
      expect(new FrameReader(0).push(header(0))).toHaveLength(1);
      expect(() => new FrameReader(0).push(header(1))).toThrow(MarshallingError);
    });

    it('allocates nothing body-sized for a rejected header or for a body that has not arrived', () => {
      const sizes: number[] = [];
      const alloc = Buffer.alloc.bind(Buffer);
      const allocUnsafe = Buffer.allocUnsafe.bind(Buffer);
      const allocUnsafeSlow = Buffer.allocUnsafeSlow.bind(Buffer);
      vi.spyOn(Buffer, 'alloc').mockImplementation((size, fill, encoding) => {
        sizes.push(size);
        return alloc(size, fill, encoding);
      });
      vi.spyOn(Buffer, 'allocUnsafe').mockImplementation((size) => {
        sizes.push(size);
        return allocUnsafe(size);
      });
      vi.spyOn(Buffer, 'allocUnsafeSlow').mockImplementation((size) => {
        sizes.push(size);
        return allocUnsafeSlow(size);
      });

      // Over the limit: split so the reader must join the header bytes.
      const bad = new FrameReader(DEFAULT_MAX_FRAME_BYTES);
      const big = new Uint8Array([0x7f, 0xff, 0xff, 0xff]);
      bad.push(big.subarray(0, 2));
      expect(() => bad.push(big.subarray(2))).toThrow(MarshallingError);

      // Legal but absent body: nothing is reserved for it ahead of time.
      const waiting = new FrameReader(DEFAULT_MAX_FRAME_BYTES);
      const legal = new Uint8Array([0x00, 0x10, 0x00, 0x00]);
      waiting.push(legal.subarray(0, 3));
      expect(waiting.push(legal.subarray(3))).toEqual([]);

      // The spies are live (joining the split header allocates 4 bytes), and nothing larger was asked for.
      expect(sizes).toContain(4);
      expect(Math.max(...sizes)).toBeLessThan(64);
    });
  });

  describe('peekHead', () => {
    it('shows the first four buffered bytes, joined across chunks', () => {
      const reader = new FrameReader();
      expect(reader.peekHead()).toBeUndefined();
      reader.push(fromHex('0000'));
      expect(reader.peekHead()).toBeUndefined();
      reader.push(fromHex('0005 61'));
      expect(toHex(reader.peekHead() ?? new Uint8Array(0))).toBe('00000005');
    });

    it('still shows a four-letter word after push rejects it as a length', () => {
      // 'ruok' read as a length is 0x72756f6b, far over the limit; the server can still see it.
      const reader = new FrameReader();
      reader.push(utf8('ru'));
      expect(() => reader.push(utf8('ok'))).toThrow(MarshallingError);
      expect(Buffer.from(reader.peekHead() ?? new Uint8Array(0)).toString('latin1')).toBe('ruok');
    });
  });
});
