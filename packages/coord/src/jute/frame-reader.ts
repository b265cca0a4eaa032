import { MarshallingError } from '../errors/errors.js';

/** Default frame limit: 1 MiB, the order of ZooKeeper's jute.maxbuffer (0xfffff). */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

/**
 * Splits a byte stream into length-prefixed frames. A negative or over-limit length is rejected
 * as soon as its four bytes arrive, before any allocation for the body.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(readonly maxFrameBytes: number = DEFAULT_MAX_FRAME_BYTES) {}

  /** Bytes received but not yet returned as a frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** Feeds bytes; returns every complete frame body (without its length prefix). */
  push(chunk: Uint8Array): Buffer[] {
    if (chunk.length > 0) {
      this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      this.buffered += chunk.length;
    }
    const frames: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const len = this.peekLength();
      if (len < 0 || len > this.maxFrameBytes) {
        throw new MarshallingError({ message: `frame length ${len} outside [0, ${this.maxFrameBytes}]` });
      }
      if (this.buffered < 4 + len) break;
      const all = this.take(4 + len);
      frames.push(all.subarray(4));
    }
    return frames;
  }

  /** The first four buffered bytes, for the server's four-letter-word check. */
  peekHead(): Buffer | undefined {
    if (this.buffered < 4) return undefined;
    return this.joinFirst(4).subarray(0, 4);
  }

  private peekLength(): number {
    return this.joinFirst(4).readInt32BE(0);
  }

  private joinFirst(n: number): Buffer {
    const first = this.chunks[0] as Buffer;
    if (first.length >= n) return first;
    const joined = Buffer.concat(this.chunks);
    this.chunks = [joined];
    return joined;
  }

  private take(n: number): Buffer {
    const head = this.joinFirst(n);
    const out = head.subarray(0, n);
    const rest = head.subarray(n);
    this.chunks[0] = rest;
    if (rest.length === 0) this.chunks.shift();
    this.buffered -= n;
    return out;
  }
}

/** Prefixes a frame body with its int32 length. */
export function frame(body: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeInt32BE(body.length, 0);
  out.set(body, 4);
  return out;
}
