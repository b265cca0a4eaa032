/**
 * Jute binary writer (BinaryOutputArchive): big-endian, no tags, no padding.
 * Longs are bigint so zxids and session ids keep all 64 bits.
 */
import { MarshallingError } from '../errors/errors.js';

const textEncoder = new TextEncoder();

/** Whether `int()` accepts the value: an integer within int32. */
export function isInt32(value: number): boolean {
  return Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff;
}

export class JuteWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialBytes = 256) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialBytes));
  }

  get length(): number {
    return this.pos;
  }

  private ensure(extra: number): void {
    const needed = this.pos + extra;
    if (needed <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < needed) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  int(value: number): this {
    // Refuse rather than wrap: a version or timeout outside int32 is a caller bug, not data.
    if (!isInt32(value)) {
      throw new MarshallingError({ message: `${value} is not a 32-bit integer` });
    }
    this.ensure(4);
    this.buf.writeInt32BE(value, this.pos);
    this.pos += 4;
    return this;
  }

  long(value: bigint): this {
    this.ensure(8);
    this.buf.writeBigInt64BE(BigInt.asIntN(64, value), this.pos);
    this.pos += 8;
    return this;
  }

  bool(value: boolean): this {
    this.ensure(1);
    this.buf[this.pos++] = value ? 1 : 0;
    return this;
  }

  /** Length-prefixed bytes; null is written as length -1, as Java does. */
  buffer(value: Uint8Array | null): this {
    if (value === null) return this.int(-1);
    this.int(value.length);
    this.raw(value);
    return this;
  }

  ustring(value: string | null): this {
    if (value === null) return this.int(-1);
    // Fast path for ASCII, which is nearly every znode path.
    let ascii = true;
    for (let i = 0; i < value.length; i++) {
      if (value.charCodeAt(i) > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      this.int(value.length);
      this.ensure(value.length);
      this.buf.write(value, this.pos, 'latin1');
      this.pos += value.length;
      return this;
    }
    return this.buffer(textEncoder.encode(value));
  }

  raw(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  /** Overwrites an int at an earlier position (used for length prefixes). */
  patchInt(at: number, value: number): void {
    this.buf.writeInt32BE(value | 0, at);
  }

  /**
   * Drops everything written after `length` bytes, keeping the allocation: truncate(0) empties a
   * writer for reuse, and a caller that wrote part of a record before failing rolls it back.
   */
  truncate(length: number): void {
    if (length < 0 || length > this.pos) throw new RangeError(`cannot truncate ${this.pos} bytes to ${length}`);
    this.pos = length;
  }

  /** A copy of the bytes written so far. */
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}
