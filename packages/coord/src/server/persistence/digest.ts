import type { StatPersisted } from '../../jute/records/data.js';
import { Crc32 } from './checksum.js';

/**
 * ZooKeeper 3.6+'s tree digest (DigestCalculator, version 2): the sum, as a Java long, of a CRC-32
 * per node over path bytes, data and the StatPersisted fields. Nodes under "/zookeeper/" do not
 * count; the root counts as "". Snapshots end with the digest and log entries may carry one, so a
 * server can notice a tree that went wrong; Apache only logs a mismatch.
 */
export const DIGEST_VERSION = 2;

/** Scratch space for one node's Stat bytes; digests are computed one node at a time. */
const scratch = Buffer.alloc(60);

function putLong(v: bigint, at: number): void {
  const n = Number(v);
  if (Number.isSafeInteger(n)) {
    const hi = Math.floor(n / 0x1_0000_0000);
    scratch.writeInt32BE(hi, at);
    scratch.writeUInt32BE(n - hi * 0x1_0000_0000, at + 4);
  } else {
    scratch.writeBigInt64BE(BigInt.asIntN(64, v), at);
  }
}

/** The Stat fields in DigestCalculator's order (which is not StatPersisted's). */
function statBytes(s: StatPersisted): Uint8Array {
  putLong(s.czxid, 0);
  putLong(s.mzxid, 8);
  putLong(s.pzxid, 16);
  putLong(s.ctime, 24);
  putLong(s.mtime, 32);
  scratch.writeInt32BE(s.version, 40);
  scratch.writeInt32BE(s.cversion, 44);
  scratch.writeInt32BE(s.aversion, 48);
  putLong(s.ephemeralOwner, 52);
  return scratch;
}

/** One node's term; `path` as the tree stores it ("/" for the root). */
export function nodeDigest(path: string, data: Uint8Array | null, stat: StatPersisted): bigint {
  if (path.startsWith('/zookeeper/')) return 0n;
  const crc = new Crc32().updateString(path === '/' ? '' : path);
  if (data !== null) crc.update(data);
  crc.update(statBytes(stat));
  return BigInt(crc.value());
}

/** The digest of a whole tree, given its nodes. */
export function treeDigest(nodes: Iterable<readonly [string, { readonly data: Uint8Array | null; readonly stat: StatPersisted }]>): bigint {
  let sum = 0n;
  for (const [path, node] of nodes) sum += nodeDigest(path, node.data, node.stat);
  return BigInt.asIntN(64, sum);
}
