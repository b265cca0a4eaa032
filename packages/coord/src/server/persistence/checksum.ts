/**
 * The two checksums ZooKeeper's files use, in plain TypeScript so the codecs stay pure:
 * Adler-32 (java.util.zip.Adler32) seals txn log entries and whole snapshots; CRC-32
 * (java.util.zip.CRC32) is the per-node term of the 3.6+ tree digest.
 */

const ADLER_MOD = 65521;
const textEncoder = new TextEncoder();
/** Largest run of bytes whose sums cannot overflow 2^53 before the modulo (zlib uses 5552 for 32-bit). */
const ADLER_CHUNK = 5552;

/** Adler-32 of `bytes[start, end)`, continuing from `seed` (1 for a fresh checksum). */
export function adler32(bytes: Uint8Array, start = 0, end = bytes.length, seed = 1): number {
  let a = seed & 0xffff;
  let b = (seed >>> 16) & 0xffff;
  let i = start;
  while (i < end) {
    const stop = Math.min(end, i + ADLER_CHUNK);
    for (; i < stop; i++) {
      a += bytes[i] as number;
      b += a;
    }
    a %= ADLER_MOD;
    b %= ADLER_MOD;
  }
  return ((b << 16) | a) >>> 0;
}

const CRC_TABLE = ((): Uint32Array => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Incremental CRC-32: feed parts with update(), read value() (unsigned, as CRC32.getValue()). */
export class Crc32 {
  private crc = 0xffffffff;

  update(bytes: Uint8Array): this {
    let c = this.crc;
    for (let i = 0; i < bytes.length; i++) c = (CRC_TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
    this.crc = c;
    return this;
  }

  /** The UTF-8 bytes of `s`, without allocating for ASCII (nearly every znode path). */
  updateString(s: string): this {
    let c = this.crc;
    for (let i = 0; i < s.length; i++) {
      const code = s.charCodeAt(i);
      if (code > 0x7f) {
        this.crc = c;
        return this.update(textEncoder.encode(s.slice(i)));
      }
      c = (CRC_TABLE[(c ^ code) & 0xff] as number) ^ (c >>> 8);
    }
    this.crc = c;
    return this;
  }

  value(): number {
    return (this.crc ^ 0xffffffff) >>> 0;
  }
}
