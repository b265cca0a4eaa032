/**
 * Hex helpers for golden-byte tests. Expected bytes are written as spaced hex, one field per
 * group, so a reader can line them up against the zookeeper.jute field order.
 */
export function fromHex(spaced: string): Buffer {
  const compact = spaced.replace(/\s+/g, '');
  if (!/^(?:[0-9a-f]{2})*$/i.test(compact)) throw new Error(`not an even-length hex string: ${spaced}`);
  return Buffer.from(compact, 'hex');
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Normalises spaced hex to the compact form toHex returns, for readable equality failures. */
export function hex(spaced: string): string {
  return toHex(fromHex(spaced));
}

/** UTF-8 bytes of a string as a Uint8Array (not a Buffer), as the reader returns. */
export function utf8(text: string): Uint8Array {
  return new Uint8Array(new TextEncoder().encode(text));
}
