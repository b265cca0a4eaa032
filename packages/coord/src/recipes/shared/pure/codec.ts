/**
 * Value encodings shared with Curator: SharedCount stores a 4-byte big-endian int,
 * DistributedAtomicLong an 8-byte big-endian long. An empty or missing node reads as 0, as in
 * Curator. Longer data is read by its first bytes (Curator's ByteBuffer.getInt/getLong do the same).
 */
export function encodeInt32(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < -0x8000_0000 || value > 0x7fff_ffff) throw new RangeError(`not an int32: ${value}`);
  const out = new Uint8Array(4);
  new DataView(out.buffer).setInt32(0, value, false);
  return out;
}

export function decodeInt32(data: Uint8Array): number {
  if (data.length === 0) return 0;
  if (data.length < 4) throw new RangeError(`an int32 needs 4 bytes, got ${data.length}`);
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getInt32(0, false);
}

const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

export function encodeInt64(value: bigint): Uint8Array {
  if (value < MIN_INT64 || value > MAX_INT64) throw new RangeError(`not an int64: ${value}`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, value, false);
  return out;
}

export function decodeInt64(data: Uint8Array): bigint {
  if (data.length === 0) return 0n;
  if (data.length < 8) throw new RangeError(`an int64 needs 8 bytes, got ${data.length}`);
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getBigInt64(0, false);
}

/** Two's-complement wrap-around, as Java's long arithmetic does on overflow. */
export function wrapInt64(value: bigint): bigint {
  return BigInt.asIntN(64, value);
}
