/**
 * What a node's stored ephemeralOwner means (ZooKeeper's EphemeralType): 0 for a plain
 * persistent node, Long.MIN_VALUE for a container, 0xFF in the top byte for a TTL node (the TTL in
 * the low 40 bits), anything else the id of the owning session.
 */
export type EphemeralKind = 'persistent' | 'ephemeral' | 'container' | 'ttl';

export const CONTAINER_OWNER = -(2n ** 63n);
const TTL_MASK = BigInt.asIntN(64, 0xff00000000000000n);
const TTL_BITS = 0x000000ffffffffffn;
export const MAX_TTL_MS = 0xffffffffffn;

export function ephemeralKind(owner: bigint, extendedTypesEnabled = false): EphemeralKind {
  if (owner === 0n) return 'persistent';
  if (owner === CONTAINER_OWNER) return 'container';
  // Without extended types a 0xFF top byte is just a session of server id 255.
  if (extendedTypesEnabled && (owner & TTL_MASK) === TTL_MASK) return 'ttl';
  return 'ephemeral';
}

export function ttlOwner(ttlMs: bigint): bigint {
  return BigInt.asIntN(64, TTL_MASK | (ttlMs & TTL_BITS));
}

export function ttlOf(owner: bigint): bigint {
  return owner & TTL_BITS;
}
