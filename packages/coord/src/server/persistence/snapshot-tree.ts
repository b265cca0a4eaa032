import type { ACL } from '../../jute/records/data.js';
import { CONFIG_NODE, DataTree, QUOTA_NODE, ROOT, SYSTEM_NODE } from '../data-tree.js';
import { ByteSink } from './byte-cursor.js';
import { DIGEST_VERSION, nodeDigest } from './digest.js';
import { PersistenceFormatError } from './errors.js';
import { javaHashOrder, javaLongHash, javaStringHash, javaTableSize } from './java-hash-order.js';
import { decodeSnapshotStreaming, OPEN_ACL_REF, sealSnapshot, writeSnapshotHeader, writeSnapshotNode, type SnapshotImage, type SnapshotNode } from './snapshot-format.js';
import { NoNodeError } from '../../errors/errors.js';

/**
 * DataTree ⇄ snapshot. Writing follows DataTree.serialize: depth first from the root (written as
 * ""), children in Java HashSet order, ACLs interned into a cache of numbered lists. It streams
 * straight from the tree into the file's bytes, computing the digest on the way: a snapshot of a
 * million nodes should cost one pass. Reading rebuilds the tree through DataTree.createNode so that
 * its indexes (ephemerals, containers, TTLs, data size) are maintained, then puts back the Stats.
 */

/** Nodes ZooKeeper creates with a null ACL (ref -1), as long as nobody changed their ACL. */
const NULL_ACL_NODES: ReadonlySet<string> = new Set([ROOT, SYSTEM_NODE, QUOTA_NODE]);

function isOpenAcl(acl: readonly ACL[]): boolean {
  const a = acl[0];
  return acl.length === 1 && a !== undefined && a.perms === 31 && a.id.scheme === 'world' && a.id.id === 'anyone';
}

function aclKey(acl: readonly ACL[]): string {
  let key = '';
  for (const a of acl) key += `${a.perms}\u0000${a.id.scheme}\u0000${a.id.id}\u0000`;
  return key;
}

const childPath = (parent: string, child: string): string => (parent === ROOT ? `/${child}` : `${parent}/${child}`);

/** The ACL cache being built: one ref per distinct list, numbered from 1 in order of first use. */
class AclCache {
  private readonly byKey = new Map<string, { ref: bigint; acl: readonly ACL[] }>();
  // Nodes restored from a snapshot share ACL arrays; those skip building the key.
  private readonly byArray = new WeakMap<readonly ACL[], bigint>();

  refOf(path: string, acl: readonly ACL[]): bigint {
    if (NULL_ACL_NODES.has(path) && isOpenAcl(acl)) return OPEN_ACL_REF;
    const known = this.byArray.get(acl);
    if (known !== undefined) return known;
    const key = aclKey(acl);
    let entry = this.byKey.get(key);
    if (entry === undefined) this.byKey.set(key, (entry = { ref: BigInt(this.byKey.size + 1), acl }));
    this.byArray.set(acl, entry.ref);
    return entry.ref;
  }

  /** In HashMap<Long, ...> order, as ReferenceCountedACLCache.serialize writes them. */
  entries(): Array<{ ref: bigint; acl: readonly ACL[] }> {
    return javaHashOrder([...this.byKey.values()], (e) => javaLongHash(e.ref), javaTableSize(this.byKey.size, 16));
  }
}

/**
 * Serialises `tree` and `sessions` (id → timeout ms) as Apache ZooKeeper 3.8 does, as a generator
 * that yields after every `nodesPerStep` nodes so that a server can keep applying txns between
 * steps: a fuzzy snapshot, like ZooKeeper's, valid with the txns logged after the zxid the tree
 * had at the start (which names the file). Nodes are written first and the ACL cache in front of
 * them at the end, so it holds every ACL a node refers to even if one appeared mid-way. The digest
 * section holds the real tree digest only when the walk finished in one step (a consistent image).
 */
export function* snapshotSteps(tree: DataTree, sessions: ReadonlyMap<bigint, number>, nodesPerStep = Infinity): Generator<void, Buffer, void> {
  const zxid = tree.lastProcessedZxid;
  const sessionList = [...sessions].map(([id, timeoutMs]) => ({ id, timeoutMs }));
  // new HashMap<>(map) sizes its table for size/0.75 + 1 entries.
  const sessionCap = Math.max(1, 2 ** Math.ceil(Math.log2(Math.floor(sessionList.length / 0.75 + 1))));
  const acls = new AclCache();
  // ZooKeeper installs /zookeeper/config's ACL at start-up, so it owns the first cache slot.
  const config = tree.get(CONFIG_NODE);
  if (config !== undefined) acls.refOf(CONFIG_NODE, config.acl);
  const body = new ByteSink(1 << 20);
  let digest = 0n;
  let steps = 0;
  let inStep = 0;
  const stack: string[] = [ROOT];
  while (stack.length > 0) {
    if (inStep >= nodesPerStep) {
      yield;
      steps++;
      inStep = 0;
    }
    const path = stack.pop() as string;
    const node = tree.get(path);
    if (node === undefined) continue; // deleted while we were away
    inStep++;
    writeSnapshotNode(body, path === ROOT ? '' : path, node.data, acls.refOf(path, node.acl), node.stat);
    digest += nodeDigest(path, node.data, node.stat);
    const n = node.children.size;
    if (n === 0) continue;
    const children = n === 1 ? [...node.children] : javaHashOrder([...node.children], javaStringHash, javaTableSize(n, 8));
    for (let i = children.length - 1; i >= 0; i--) stack.push(childPath(path, children[i] as string));
  }
  const out = new ByteSink(body.length + 4096);
  writeSnapshotHeader(out, javaHashOrder(sessionList, (s) => javaLongHash(s.id), sessionCap), acls.entries());
  out.raw(body.bytes());
  // A fuzzy walk has no single tree state to digest: write the empty ZxidDigest (zxid 0), which
  // ZooKeeper writes for a tree that processed no txn and never compares (DataTree
  // .compareSnapshotDigests skips zxid 0; leaving the section out makes it log a warning).
  const exact = steps === 0 && zxid !== 0n;
  sealSnapshot(out, { zxid: exact ? zxid : 0n, version: DIGEST_VERSION, digest: exact ? BigInt.asIntN(64, digest) : 0n });
  return out.bytes();
}

/** A consistent snapshot, in one synchronous pass. */
export function encodeTreeSnapshot(tree: DataTree, sessions: ReadonlyMap<bigint, number>): Buffer {
  const steps = snapshotSteps(tree, sessions);
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
  }
}

/**
 * Rebuilds a tree from an image. `makeTree` supplies an empty tree with the server's options
 * (extended types, config data); nodes the image holds replace its defaults. Nodes with the same
 * ACL ref share one ACL array (the tree never mutates an ACL array in place).
 */
export function treeOfImage(image: SnapshotImage, makeTree: () => DataTree): { tree: DataTree; sessions: Map<bigint, number> } {
  const builder = new SnapshotTreeBuilder(image, makeTree());
  for (const n of image.nodes) builder.add(n);
  return builder.result();
}

/** treeOfImage straight from the bytes, node by node, without an image of every node in between. */
export function treeOfSnapshot(bytes: Uint8Array, makeTree: () => DataTree): { tree: DataTree; sessions: Map<bigint, number> } {
  let builder: SnapshotTreeBuilder | undefined;
  decodeSnapshotStreaming(bytes, (header) => {
    const b = new SnapshotTreeBuilder(header, makeTree());
    builder = b;
    return (n) => b.add(n);
  });
  return (builder as SnapshotTreeBuilder).result();
}

class SnapshotTreeBuilder {
  private readonly acls = new Map<bigint, ACL[]>();
  private readonly openAcl: ACL[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

  constructor(
    private readonly header: Pick<SnapshotImage, 'sessions' | 'acls'>,
    private readonly tree: DataTree,
  ) {
    for (const a of header.acls) this.acls.set(a.ref, a.acl.map((x) => ({ perms: x.perms, id: { ...x.id } })));
  }

  add(n: SnapshotNode): void {
    const path = n.path === '' ? ROOT : n.path;
    // Depth-first order puts every parent first; the stored Stats (cversion, pzxid) are the truth.
    try {
      this.tree.restoreNode(path, n.data, this.aclOf(n.aclRef, path), n.stat);
    } catch (err) {
      if (err instanceof NoNodeError) throw new PersistenceFormatError(`node ${path} comes before its parent in the snapshot`);
      throw err;
    }
  }

  private aclOf(ref: bigint, path: string): ACL[] {
    if (ref === OPEN_ACL_REF) return this.openAcl;
    const acl = this.acls.get(ref);
    if (acl === undefined) throw new PersistenceFormatError(`node ${path} refers to ACL ${ref}, which the snapshot's ACL cache does not hold`);
    return acl;
  }

  result(): { tree: DataTree; sessions: Map<bigint, number> } {
    const sessions = new Map<bigint, number>();
    for (const s of this.header.sessions) sessions.set(s.id, s.timeoutMs);
    return { tree: this.tree, sessions };
  }
}
