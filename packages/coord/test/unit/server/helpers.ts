import { expect } from 'vitest';
import { CreateMode, OpCode, Perms } from '../../../src/jute/opcodes.js';
import type { ACL, Id, Stat } from '../../../src/jute/records/data.js';
import type { MultiOp } from '../../../src/jute/records/multi.js';
import { apply, type ApplyResult, type Notification } from '../../../src/server/apply.js';
import { DataTree, type DataNode } from '../../../src/server/data-tree.js';
import { prep, type WriteRequest } from '../../../src/server/prep.js';
import type { Txn, TxnEntry } from '../../../src/server/txn.js';
import { WatchTable } from '../../../src/server/watch-table.js';

/** Shared fixtures for the server unit tests: request builders and a prep → apply harness. */

/**
 * A tree in which an owner with 0xFF in its top byte means a TTL node
 * (zookeeper.extendedTypesEnabled=true). With extended types off, ZooKeeper's default, such an
 * owner is an ordinary session id (server id 255): see data-tree.test.ts. DataTree has no
 * switch for this yet; when it gains one, pass it here, and every TTL test follows.
 */
export function extendedTree(): DataTree {
  return new DataTree(undefined, { extendedTypesEnabled: true });
}

export const OPEN_ACL: ACL[] = [{ perms: Perms.ALL, id: { scheme: 'world', id: 'anyone' } }];
export const READ_ACL: ACL[] = [{ perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } }];
export const CREATOR_ALL_ACL: ACL[] = [{ perms: Perms.ALL, id: { scheme: 'auth', id: '' } }];

/** Every connection carries its address as an ip id (IPAuthenticationProvider). */
export const IP_ID: Id = { scheme: 'ip', id: '127.0.0.1' };
export const BOB: Id = { scheme: 'digest', id: 'bob:4rAJ8Xx1c3eCpzDU7PqZ5tCmGJ8=' };
export const AMY: Id = { scheme: 'digest', id: 'amy:5yHGVPkYZ1Rzc8YH8RVUkHUxh7E=' };
export const SUPER: Id = { scheme: 'super', id: '' };

export const SESSION = 0x0100_0000_0000_0001n;
export const OTHER_SESSION = 0x0100_0000_0000_0002n;

export const perms = (p: number, id: Id): ACL => ({ perms: p, id });
export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

export interface CreateOptions {
  readonly data?: Uint8Array | null;
  readonly acl?: ACL[];
  readonly flags?: number;
}

export function create(path: string, o: CreateOptions = {}, type: typeof OpCode.create | typeof OpCode.create2 | typeof OpCode.createContainer = OpCode.create): MultiOp {
  return { type, request: { path, data: o.data === undefined ? bytes('') : o.data, acl: o.acl ?? OPEN_ACL, flags: o.flags ?? CreateMode.PERSISTENT } };
}

export function createTtl(path: string, ttl: bigint, o: CreateOptions = {}): MultiOp {
  return { type: OpCode.createTTL, request: { path, data: o.data ?? bytes(''), acl: o.acl ?? OPEN_ACL, flags: o.flags ?? CreateMode.PERSISTENT_WITH_TTL, ttl } };
}

export const del = (path: string, version = -1): MultiOp => ({ type: OpCode.delete, request: { path, version } });
export const setData = (path: string, data: Uint8Array | null, version = -1): MultiOp => ({ type: OpCode.setData, request: { path, data, version } });
export const check = (path: string, version: number): MultiOp => ({ type: OpCode.check, request: { path, version } });
export const setAcl = (path: string, acl: ACL[], version = -1): WriteRequest => ({ type: OpCode.setACL, request: { path, acl, version } });
export const deleteContainer = (path: string): WriteRequest => ({ type: OpCode.deleteContainer, request: { path, version: -1 } });
export const multi = (...ops: MultiOp[]): WriteRequest => ({ type: OpCode.multi, ops });
export const closeSession = (): WriteRequest => ({ type: OpCode.closeSession });

export interface Caller {
  readonly sessionId?: bigint;
  readonly authIds?: readonly Id[];
  readonly extendedTypesEnabled?: boolean;
}

/**
 * A tree plus its two watch tables, with a zxid and clock that advance by one per request, so
 * a test reads like a sequence of client calls: `h.run(create('/a'))`.
 */
export class Harness {
  readonly watches = { data: new WatchTable(), child: new WatchTable() };
  zxid = 0n;
  time = 1_000_000n;
  cxid = 0;

  constructor(readonly tree: DataTree = new DataTree()) {}

  prep(request: WriteRequest, caller: Caller = {}): TxnEntry {
    this.zxid += 1n;
    this.time += 10n;
    this.cxid += 1;
    return prep(
      {
        tree: this.tree,
        sessionId: caller.sessionId ?? SESSION,
        cxid: this.cxid,
        zxid: this.zxid,
        time: this.time,
        authIds: caller.authIds ?? [IP_ID],
        extendedTypesEnabled: caller.extendedTypesEnabled ?? false,
      },
      request,
    );
  }

  apply(entry: TxnEntry): ApplyResult {
    return apply(this.tree, this.watches, entry);
  }

  run(request: WriteRequest, caller: Caller = {}): ApplyResult & { entry: TxnEntry } {
    const entry = this.prep(request, caller);
    return { ...this.apply(entry), entry };
  }

  /** Runs a request that must succeed (reply err 0). */
  ok(request: WriteRequest, caller: Caller = {}): ApplyResult & { entry: TxnEntry } {
    const r = this.run(request, caller);
    expect(r.err, `request ${JSON.stringify(request, replacer)} failed`).toBe(0);
    return r;
  }

  node(path: string): DataNode {
    const n = this.tree.get(path);
    if (n === undefined) throw new Error(`no node ${path}`);
    return n;
  }

  stat(path: string): Stat {
    return this.tree.statOf(this.node(path));
  }
}

/** JSON.stringify replacer for bigint and byte arrays in assertion messages. */
export function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  return value;
}

/** The error code a prepared entry carries, or undefined when it is a real transaction. */
export function errorOf(entry: TxnEntry): number | undefined {
  return entry.txn.type === OpCode.error ? entry.txn.record.err : undefined;
}

/** The sub-transactions of a prepared multi. */
export function subTxns(entry: TxnEntry): readonly Txn[] {
  if (entry.txn.type !== OpCode.multi) throw new Error(`not a multi: ${entry.txn.type}`);
  return entry.txn.txns;
}

/** Notifications as [watcher, type, path] triples, for compact assertions. */
export function events(notifications: readonly Notification[]): [number, number, string][] {
  return notifications.map((n) => [n.watcher, n.type, n.path]);
}

/** A deep, comparable copy of a tree's state (nodes, stats, ACLs, ephemeral bookkeeping), without lastProcessedZxid. */
export function snapshot(tree: DataTree): unknown {
  const nodes = [...tree.nodes.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, n]) => ({ path, data: n.data === null ? null : [...n.data], acl: n.acl, stat: { ...n.stat }, children: [...n.children].sort() }));
  const ephemerals = [...tree.ephemerals.entries()].map(([s, set]) => [s, [...set].sort()]);
  return JSON.parse(
    JSON.stringify(
      { nodes, ephemerals, containers: [...tree.containers].sort(), ttls: [...tree.ttls].sort(), size: tree.approximateDataSize },
      replacer,
    ),
  );
}
