import { PersistenceFormatError } from './errors.js';

/**
 * Minimal big-endian writer and reader for snapshots, which hold millions of small records: the
 * general jute codec costs several times more per field, and restart time is dominated by this
 * loop. Same encoding as BinaryOutputArchive / BinaryInputArchive.
 */
export class ByteSink {
  private buf: Buffer;
  private pos = 0;

  constructor(initialBytes = 1 << 16) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  get length(): number {
    return this.pos;
  }

  /** The bytes so far, as a view (no copy). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  int(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v | 0, this.pos);
    this.pos += 4;
  }

  long(v: bigint): void {
    this.ensure(8);
    // Most longs (zxids, times) are within 2^53: two int writes are much cheaper than a bigint one.
    const n = Number(v);
    if (Number.isSafeInteger(n)) {
      const hi = Math.floor(n / 0x1_0000_0000);
      this.buf.writeInt32BE(hi, this.pos);
      this.buf.writeUInt32BE(n - hi * 0x1_0000_0000, this.pos + 4);
    } else {
      this.buf.writeBigInt64BE(BigInt.asIntN(64, v), this.pos);
    }
    this.pos += 8;
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Length-prefixed bytes; null as length -1. */
  buffer(v: Uint8Array | null): void {
    if (v === null) return this.int(-1);
    this.int(v.length);
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }

  /** Length-prefixed UTF-8 (Java's modified UTF-8 only differs for NUL and non-BMP, which paths never hold). */
  ustring(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.int(n);
    this.ensure(n);
    this.buf.write(s, this.pos, n, 'utf8');
    this.pos += n;
  }
}

export class ByteSource {
  pos = 0;
  private readonly view: Buffer;

  constructor(bytes: Uint8Array) {
    this.view = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.view.length - this.pos;
  }

  private need(n: number, what: string): void {
    if (this.view.length - this.pos < n) throw new PersistenceFormatError(`truncated: need ${n} bytes for ${what} at offset ${this.pos}, have ${this.view.length - this.pos}`);
  }

  int(): number {
    this.need(4, 'an int');
    const v = this.view.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  long(): bigint {
    this.need(8, 'a long');
    const hi = this.view.readInt32BE(this.pos);
    const lo = this.view.readUInt32BE(this.pos + 4);
    // Zxids, times and most ids fit in 53 bits: one BigInt() of a number is much cheaper than
    // readBigInt64BE, which matters for the six longs of each of a million snapshot nodes.
    const v = hi >= -0x200000 && hi < 0x200000 ? BigInt(hi * 4294967296 + lo) : this.view.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  private length(what: string): number {
    const n = this.int();
    if (n < -1 || n > this.remaining) throw new PersistenceFormatError(`bad ${what} length ${n} at offset ${this.pos - 4}`);
    return n;
  }

  /** A copy, so decoded nodes do not pin the whole file in memory. */
  buffer(): Uint8Array | null {
    const n = this.length('buffer');
    if (n === -1) return null;
    const out = new Uint8Array(n);
    out.set(this.view.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }

  ustring(): string {
    const n = this.length('string');
    if (n <= 0) return '';
    const start = this.pos;
    this.pos += n;
    return this.view.toString('utf8', start, start + n);
  }
}
