import { MarshallingError } from '../../errors/errors.js';

/**
 * A bounds-checked big-endian cursor over bytes that may still be arriving: reading past the end
 * throws NEED_MORE (the caller waits for more bytes and retries the item from its start), a
 * length outside its limit throws MarshallingError at once, whether or not its bytes are here.
 * Pure; shared by the quorum-port stream decoder.
 */
export const NEED_MORE: unique symbol = Symbol('need more bytes');

export class StreamCursor {
  constructor(
    private readonly buf: Buffer,
    public pos: number,
    private readonly end: number,
  ) {}

  private need(n: number): number {
    if (this.end - this.pos < n) throw NEED_MORE;
    const at = this.pos;
    this.pos += n;
    return at;
  }

  int(): number {
    return this.buf.readInt32BE(this.need(4));
  }

  long(): bigint {
    return this.buf.readBigInt64BE(this.need(8));
  }

  skip(n: number): void {
    this.need(n);
  }

  /** A length-prefixed field: its length (-1 for null) after checking it against [min, max]. */
  length(min: number, max: number, what: string): number {
    const at = this.pos;
    const len = this.int();
    if (len < min || len > max) throw new MarshallingError({ message: `${what} length ${len} outside [${min}, ${max}] at offset ${at}` });
    return len;
  }

  /** A length-prefixed field's bytes as a view (no copy); null for length -1 when `min` allows it. */
  bytes(min: number, max: number, what: string): Buffer | null {
    const len = this.length(min, max, what);
    if (len === -1) return null;
    const at = this.need(len);
    return this.buf.subarray(at, at + len);
  }

  /** A vector count: -1 (null) when allowed reads as -1; at most `max`. */
  count(allowNull: boolean, max: number, what: string): number {
    return this.length(allowNull ? -1 : 0, max, `${what} count`);
  }
}

/** Growable byte queue: append at the end, consume from the front, compacting as it goes. */
export class ByteQueue {
  private buf: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;

  get bytes(): Buffer {
    return this.buf;
  }

  get length(): number {
    return this.end - this.start;
  }

  append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.end + chunk.length > this.buf.length) {
      const live = this.end - this.start;
      const needed = live + chunk.length;
      if (needed <= this.buf.length && this.start >= this.buf.length / 2) {
        this.buf.copy(this.buf, 0, this.start, this.end);
      } else {
        let size = Math.max(4096, this.buf.length);
        while (size < needed) size *= 2;
        const next = Buffer.allocUnsafe(size);
        this.buf.copy(next, 0, this.start, this.end);
        this.buf = next;
      }
      this.start = 0;
      this.end = live;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** Drops everything before `offset` (an absolute offset into `bytes`). */
  consumeTo(offset: number): void {
    this.start = offset;
    if (this.start === this.end) this.start = this.end = 0;
  }
}
