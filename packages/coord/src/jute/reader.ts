import { MarshallingError } from '../errors/errors.js';

/**
 * Jute binary reader (BinaryInputArchive). Every read is bounds-checked: malformed input throws
 * MarshallingError and nothing else, so socket handlers can turn it into a clean disconnect.
 */
const textDecoder = new TextDecoder('utf-8');

export class JuteReader {
  private pos: number;
  private readonly view: Buffer;
  private readonly end: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.view = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
    this.end = end;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): void {
    if (this.end - this.pos < n) {
      throw new MarshallingError({ message: `truncated record: need ${n} bytes for ${what} at offset ${this.pos}, have ${this.end - this.pos}` });
    }
  }

  int(): number {
    this.need(4, 'int');
    const v = this.view;
    const p = this.pos;
    this.pos = p + 4;
    // The bounds are checked above; plain byte loads skip readInt32BE's argument validation.
    return (v[p]! << 24) | (v[p + 1]! << 16) | (v[p + 2]! << 8) | v[p + 3]!;
  }

  long(): bigint {
    this.need(8, 'long');
    const v = this.view;
    const p = this.pos;
    this.pos = p + 8;
    const hi = (v[p]! << 24) | (v[p + 1]! << 16) | (v[p + 2]! << 8) | v[p + 3]!;
    // Nearly every long on the wire (zxids, times, versions, ephemeralOwner 0) is within ±2^53:
    // then hi * 2^32 + lo is an exact double and one BigInt() replaces readBigInt64BE's four
    // BigInt operations. Session ids (high byte = server id) take the general path.
    if (hi >= -0x200000 && hi < 0x200000) {
      const lo = v[p + 4]! * 0x1000000 + ((v[p + 5]! << 16) | (v[p + 6]! << 8) | v[p + 7]!);
      return BigInt(hi * 0x100000000 + lo);
    }
    return v.readBigInt64BE(p);
  }

  bool(): boolean {
    this.need(1, 'boolean');
    return this.view[this.pos++] !== 0;
  }

  private length(what: string): number {
    const len = this.int();
    if (len < -1) throw new MarshallingError({ message: `negative ${what} length ${len} at offset ${this.pos - 4}` });
    if (len > this.remaining) throw new MarshallingError({ message: `${what} length ${len} exceeds the ${this.remaining} bytes left at offset ${this.pos - 4}` });
    return len;
  }

  /** Length-prefixed bytes; length -1 reads as null. The result is a copy. */
  buffer(): Uint8Array | null {
    const len = this.length('buffer');
    if (len === -1) return null;
    const out = new Uint8Array(len);
    out.set(this.view.subarray(this.pos, this.pos + len));
    this.pos += len;
    return out;
  }

  /** UTF-8 string; length -1 (null) reads as the empty string. */
  ustring(): string {
    const len = this.length('string');
    if (len <= 0) return '';
    const slice = this.view.subarray(this.pos, this.pos + len);
    this.pos += len;
    return textDecoder.decode(slice);
  }

  /**
   * Vector count; -1 (null) reads as 0. A count that could not fit in the remaining bytes is
   * rejected before anything is allocated.
   */
  vectorCount(minElementBytes: number): number {
    const count = this.int();
    if (count === -1) return 0;
    if (count < -1) throw new MarshallingError({ message: `negative vector count ${count} at offset ${this.pos - 4}` });
    if (count * minElementBytes > this.remaining) {
      throw new MarshallingError({ message: `vector count ${count} cannot fit in the ${this.remaining} bytes left` });
    }
    return count;
  }

  /** Bytes left, as a view (no copy). */
  rest(): Buffer {
    const out = this.view.subarray(this.pos, this.end);
    this.pos = this.end;
    return out;
  }
}
