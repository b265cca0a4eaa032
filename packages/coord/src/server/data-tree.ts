import { NodeExistsError, NoNodeError } from '../errors/errors.js';
import type { ACL, Stat, StatPersisted } from '../jute/records/data.js';
import { Perms } from '../jute/opcodes.js';
import { parentOf } from '../util/paths.js';
import { ephemeralKind, type EphemeralKind } from './ephemeral-type.js';

/** One znode. `stat.cversion` is the stored count of child creates (see statOf). */
export interface DataNode {
  data: Uint8Array | null;
  acl: ACL[];
  stat: StatPersisted;
  /** Child names. Leaves share one empty set (a million leaves need no million sets). */
  children: ReadonlySet<string>;
}

const NO_CHILDREN: ReadonlySet<string> = new Set<string>();

function addChild(parent: DataNode, name: string): void {
  if (parent.children === NO_CHILDREN) parent.children = new Set([name]);
  else (parent.children as Set<string>).add(name);
}

function removeChild(parent: DataNode, name: string): void {
  if (parent.children !== NO_CHILDREN) (parent.children as Set<string>).delete(name);
}

export const ROOT = '/';
export const SYSTEM_NODE = '/zookeeper';
export const QUOTA_NODE = '/zookeeper/quota';
export const CONFIG_NODE = '/zookeeper/config';

const READ_ACL_UNSAFE: ACL[] = [{ perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } }];
const OPEN_ACL_UNSAFE: ACL[] = [{ perms: Perms.ALL, id: { scheme: 'world', id: 'anyone' } }];

function zeroStat(): StatPersisted {
  return { czxid: 0n, mzxid: 0n, ctime: 0n, mtime: 0n, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0n, pzxid: 0n };
}

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * The in-memory tree (ZooKeeper's DataTree). Pure: it changes only when apply() hands it a
 * transaction, and takes zxids and times from the transaction, never from a clock.
 */
export class DataTree {
  readonly nodes = new Map<string, DataNode>();
  /** Session id → paths of its ephemeral nodes. */
  readonly ephemerals = new Map<bigint, Set<string>>();
  readonly containers = new Set<string>();
  readonly ttls = new Set<string>();
  lastProcessedZxid = 0n;
  private dataBytes = 0;

  /** zookeeper.extendedTypesEnabled: whether a 0xFF top byte in ephemeralOwner means TTL. */
  readonly extendedTypesEnabled: boolean;

  constructor(configData: Uint8Array = new Uint8Array(0), options: { readonly extendedTypesEnabled?: boolean } = {}) {
    this.extendedTypesEnabled = options.extendedTypesEnabled ?? false;
    this.nodes.set(ROOT, { data: new Uint8Array(0), acl: OPEN_ACL_UNSAFE, stat: zeroStat(), children: NO_CHILDREN });
    this.dataBytes = ROOT.length;
    this.addSystemNode(SYSTEM_NODE, new Uint8Array(0), OPEN_ACL_UNSAFE);
    this.addSystemNode(QUOTA_NODE, new Uint8Array(0), OPEN_ACL_UNSAFE);
    // Read-only to clients. ZooKeeper installs the ACL with setACL(path, acl, -1), which stores
    // the version argument as aversion: the node's aversion is -1.
    this.addSystemNode(CONFIG_NODE, configData, READ_ACL_UNSAFE);
    (this.nodes.get(CONFIG_NODE) as DataNode).stat.aversion = -1;
  }

  private addSystemNode(path: string, data: Uint8Array, acl: ACL[]): void {
    this.nodes.set(path, { data, acl, stat: zeroStat(), children: NO_CHILDREN });
    const parent = this.nodes.get(parentOf(path));
    if (parent !== undefined) addChild(parent, lastSegment(path));
    this.dataBytes += path.length + data.length;
  }

  kindOf(owner: bigint): EphemeralKind {
    return ephemeralKind(owner, this.extendedTypesEnabled);
  }

  get(path: string): DataNode | undefined {
    return this.nodes.get(path);
  }

  /**
   * Node count as ZooKeeper reports it (mntr zk_znode_count, srvr "Node count"): its map holds
   * the root under both "" and "/", so a fresh server says 5 for 4 nodes.
   */
  get nodeCount(): number {
    return this.nodes.size + 1;
  }

  /** Path lengths plus data lengths, as ZooKeeper's approximate_data_size. */
  get approximateDataSize(): number {
    return this.dataBytes;
  }

  get ephemeralCount(): number {
    let n = 0;
    for (const set of this.ephemerals.values()) n += set.size;
    return n;
  }

  /** The Stat a client sees: cversion as creates + deletes, and no owner for containers and TTL nodes. */
  statOf(node: DataNode): Stat {
    const s = node.stat;
    const owner = this.kindOf(s.ephemeralOwner) === 'ephemeral' ? s.ephemeralOwner : 0n;
    return {
      czxid: s.czxid,
      mzxid: s.mzxid,
      ctime: s.ctime,
      mtime: s.mtime,
      version: s.version,
      cversion: (s.cversion * 2 - node.children.size) | 0, // Java int arithmetic
      aversion: s.aversion,
      ephemeralOwner: owner,
      dataLength: node.data?.length ?? 0,
      numChildren: node.children.size,
      pzxid: s.pzxid,
    };
  }

  createNode(path: string, data: Uint8Array | null, acl: ACL[], ephemeralOwner: bigint, parentCVersion: number, zxid: bigint, time: bigint): void {
    const parent = this.nodes.get(parentOf(path));
    if (parent === undefined) throw new NoNodeError({ path });
    if (this.nodes.has(path)) throw new NodeExistsError({ path });
    addChild(parent, lastSegment(path));
    // -1 means "one more than stored"; never move cversion/pzxid back (log replayed over a fuzzy snapshot).
    const cversion = parentCVersion === -1 ? (parent.stat.cversion + 1) | 0 : parentCVersion;
    if (cversion > parent.stat.cversion) {
      parent.stat.cversion = cversion;
      parent.stat.pzxid = zxid;
    }
    const stat: StatPersisted = { czxid: zxid, mzxid: zxid, ctime: time, mtime: time, version: 0, cversion: 0, aversion: 0, ephemeralOwner, pzxid: zxid };
    this.nodes.set(path, { data, acl: this.intern(acl), stat, children: NO_CHILDREN });
    this.dataBytes += path.length + (data?.length ?? 0);
    this.track(path, ephemeralOwner);
  }

  /**
   * Recovery's insert: a node with the Stat a snapshot stored for it, under a parent that is
   * already there. The parent's Stat is not touched (the snapshot holds it too). A node every
   * tree starts with (root, /zookeeper, ...) takes the stored data, ACL and Stat.
   */
  restoreNode(path: string, data: Uint8Array | null, acl: ACL[], stat: StatPersisted): void {
    const existing = this.nodes.get(path);
    if (existing !== undefined) {
      this.dataBytes += (data?.length ?? 0) - (existing.data?.length ?? 0);
      existing.data = data;
      existing.acl = acl;
      existing.stat = stat;
      return;
    }
    const parent = this.nodes.get(parentOf(path));
    if (parent === undefined) throw new NoNodeError({ path, message: `node ${path} comes before its parent` });
    addChild(parent, lastSegment(path));
    this.nodes.set(path, { data, acl, stat, children: NO_CHILDREN });
    this.dataBytes += path.length + (data?.length ?? 0);
    this.track(path, stat.ephemeralOwner);
  }

  /**
   * One shared array per distinct ACL, as ZooKeeper's ReferenceCountedACLCache keeps one entry
   * per ACL: a million nodes with the same ACL hold one array, and a snapshot names it once.
   * ACL arrays are never mutated in place.
   */
  private intern(acl: ACL[]): ACL[] {
    const key = acl.map((a) => `${a.perms}\u0000${a.id.scheme}\u0000${a.id.id}`).join('\u0001');
    const known = this.acls.get(key);
    if (known !== undefined) return known;
    this.acls.set(key, acl);
    return acl;
  }
  private readonly acls = new Map<string, ACL[]>();

  /** Files a new node under the sets its owner puts it in (containers, TTL nodes, a session's ephemerals). */
  private track(path: string, ephemeralOwner: bigint): void {
    switch (this.kindOf(ephemeralOwner)) {
      case 'container':
        this.containers.add(path);
        break;
      case 'ttl':
        this.ttls.add(path);
        break;
      case 'ephemeral': {
        let set = this.ephemerals.get(ephemeralOwner);
        if (set === undefined) this.ephemerals.set(ephemeralOwner, (set = new Set()));
        set.add(path);
        break;
      }
      default:
        break;
    }
  }

  deleteNode(path: string, zxid: bigint): DataNode {
    const node = this.nodes.get(path);
    if (node === undefined) throw new NoNodeError({ path });
    const parent = this.nodes.get(parentOf(path));
    this.nodes.delete(path);
    this.dataBytes -= path.length + (node.data?.length ?? 0);
    if (parent !== undefined) {
      removeChild(parent, lastSegment(path));
      // Deletes move only pzxid (and only forward); cversion counts creates (see statOf).
      if (zxid > parent.stat.pzxid) parent.stat.pzxid = zxid;
    }
    const owner = node.stat.ephemeralOwner;
    switch (this.kindOf(owner)) {
      case 'container':
        this.containers.delete(path);
        break;
      case 'ttl':
        this.ttls.delete(path);
        break;
      case 'ephemeral': {
        const set = this.ephemerals.get(owner);
        set?.delete(path);
        if (set?.size === 0) this.ephemerals.delete(owner);
        break;
      }
      default:
        break;
    }
    return node;
  }

  setData(path: string, data: Uint8Array | null, version: number, zxid: bigint, time: bigint): DataNode {
    const node = this.nodes.get(path);
    if (node === undefined) throw new NoNodeError({ path });
    this.dataBytes += (data?.length ?? 0) - (node.data?.length ?? 0);
    node.data = data;
    node.stat.version = version;
    node.stat.mzxid = zxid;
    node.stat.mtime = time;
    return node;
  }

  setACL(path: string, acl: ACL[], aversion: number): DataNode {
    const node = this.nodes.get(path);
    if (node === undefined) throw new NoNodeError({ path });
    node.acl = this.intern(acl);
    node.stat.aversion = aversion;
    return node;
  }

  /** Paths of a session's ephemerals, deepest first so children go before parents. */
  ephemeralsOf(sessionId: bigint): string[] {
    return [...(this.ephemerals.get(sessionId) ?? [])].sort((a, b) => b.length - a.length || (a < b ? 1 : -1));
  }

  /** Number of descendants of a node, not counting the node itself. */
  countDescendants(path: string): number {
    const node = this.nodes.get(path);
    if (node === undefined) return 0;
    let n = 0;
    const stack = [path];
    while (stack.length > 0) {
      const p = stack.pop() as string;
      const children = this.nodes.get(p)?.children;
      if (children === undefined) continue;
      for (const c of children) {
        n++;
        stack.push(p === ROOT ? `/${c}` : `${p}/${c}`);
      }
    }
    return n;
  }
}
