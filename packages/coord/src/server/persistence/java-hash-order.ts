/**
 * Java's HashMap/HashSet iteration order, so that snapshots list children, sessions and ACLs in
 * the order Apache ZooKeeper writes them. ZooKeeper serialises straight out of HashSet<String>
 * (a node's children) and HashMap<Long, ...> (sessions, the ACL cache); matching their order is
 * what makes a snapshot of the same tree come out byte for byte the same.
 */

/** String.hashCode(): s[0]*31^(n-1) + ... over UTF-16 code units, in int32 arithmetic. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Long.hashCode(): (int)(v ^ (v >>> 32)). */
export function javaLongHash(v: bigint): number {
  const u = BigInt.asUintN(64, v);
  return Number(BigInt.asIntN(32, (u ^ (u >> 32n)) & 0xffffffffn));
}

/**
 * Table size of a HashMap holding `size` entries: starts at `initial` and doubles whenever size
 * passes 0.75 of it. (A table never shrinks, so a set that was once larger may be wider; that
 * history is not on disk, and the order only matters for byte comparisons.)
 */
export function javaTableSize(size: number, initial: number): number {
  let cap = initial;
  while (size > cap * 0.75) cap *= 2;
  return cap;
}

/**
 * Orders `items` as a HashMap of table size `capacity` iterates them: by bucket
 * (hash ^ hash >>> 16) & (capacity - 1), and by insertion order within a bucket.
 */
export function javaHashOrder<T>(items: readonly T[], hash: (item: T) => number, capacity: number): T[] {
  const mask = capacity - 1;
  const keyed = items.map((item, index) => {
    const h = hash(item);
    return { item, index, bucket: (h ^ (h >>> 16)) & mask };
  });
  keyed.sort((x, y) => x.bucket - y.bucket || x.index - y.index);
  return keyed.map((k) => k.item);
}
