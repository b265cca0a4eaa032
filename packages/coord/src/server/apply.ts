import { ErrorCode } from '../errors/codes.js';
import { CoordError } from '../errors/errors.js';
import { EventType, OpCode, type EventTypeValue } from '../jute/opcodes.js';
import type { ACL, Stat } from '../jute/records/data.js';
import type { MultiResult } from '../jute/records/multi.js';
import { parentOf } from '../util/paths.js';
import type { DataTree } from './data-tree.js';
import { CONTAINER_OWNER, ttlOwner } from './ephemeral-type.js';
import type { Txn, TxnEntry } from './txn.js';
import type { WatcherId, WatchTable } from './watch-table.js';

/**
 * apply (ZooKeeper's DataTree.processTxn plus the reply half of FinalRequestProcessor): changes
 * the tree, fires watches and says what to answer. Pure: zxid and time come from the txn.
 */

export interface WatchTables {
  readonly data: WatchTable;
  readonly child: WatchTable;
}

/** A watch event for one connection; delivery checks READ on `acl` for that connection. */
export interface Notification {
  readonly watcher: WatcherId;
  readonly type: EventTypeValue;
  readonly path: string;
  readonly acl: readonly ACL[];
}

export type ReplyBody =
  | { readonly kind: 'none' }
  | { readonly kind: 'create'; readonly path: string }
  | { readonly kind: 'create2'; readonly path: string; readonly stat: Stat }
  | { readonly kind: 'stat'; readonly stat: Stat }
  | { readonly kind: 'multi'; readonly results: MultiResult[] };

export interface ApplyResult {
  /** ReplyHeader.err: the txn's error, or 0 for a multi (its results carry the codes). */
  readonly err: number;
  readonly zxid: bigint;
  readonly body: ReplyBody;
  readonly notifications: Notification[];
}

const NONE: ReplyBody = { kind: 'none' };

export function apply(tree: DataTree, watches: WatchTables, entry: TxnEntry): ApplyResult {
  const notifications: Notification[] = [];
  const { zxid, time, clientId } = entry.header;
  const ctx: TxnContext = { tree, watches, zxid, time, sessionId: clientId, notifications };
  let result: { err: number; body: ReplyBody };
  if (entry.txn.type === OpCode.multi) result = applyMulti(ctx, entry.txn.txns);
  else result = applySafely(ctx, entry.txn);
  if (zxid > tree.lastProcessedZxid) tree.lastProcessedZxid = zxid;
  return { err: result.err, zxid, body: result.body, notifications };
}

interface TxnContext {
  readonly tree: DataTree;
  readonly watches: WatchTables;
  readonly zxid: bigint;
  readonly time: bigint;
  readonly sessionId: bigint;
  readonly notifications: Notification[];
}

function applySafely(ctx: TxnContext, txn: Txn): { err: number; body: ReplyBody } {
  try {
    return { err: ErrorCode.OK, body: applyOne(ctx, txn) };
  } catch (err) {
    return { err: err instanceof CoordError ? err.code : ErrorCode.RUNTIMEINCONSISTENCY, body: NONE };
  }
}

function applyOne(ctx: TxnContext, txn: Txn): ReplyBody {
  const { tree, zxid, time } = ctx;
  switch (txn.type) {
    case OpCode.create:
    case OpCode.create2:
    case OpCode.createContainer:
    case OpCode.createTTL: {
      const r = txn.record;
      const owner = txn.type === OpCode.createContainer ? CONTAINER_OWNER : 'ttl' in r ? ttlOwner(r.ttl) : 'ephemeral' in r && r.ephemeral ? ctx.sessionId : 0n;
      tree.createNode(r.path, r.data, [...r.acl], owner, r.parentCVersion, zxid, time);
      fire(ctx, 'data', r.path, EventType.NodeCreated);
      fire(ctx, 'child', parentOf(r.path), EventType.NodeChildrenChanged);
      if (txn.type === OpCode.create) return { kind: 'create', path: r.path };
      return { kind: 'create2', path: r.path, stat: statAt(tree, r.path) };
    }
    case OpCode.delete:
    case OpCode.deleteContainer:
      deleteWithEvents(ctx, txn.record.path);
      return NONE;
    case OpCode.setData: {
      tree.setData(txn.record.path, txn.record.data, txn.record.version, zxid, time);
      fire(ctx, 'data', txn.record.path, EventType.NodeDataChanged);
      return { kind: 'stat', stat: statAt(tree, txn.record.path) };
    }
    case OpCode.setACL:
      tree.setACL(txn.record.path, [...txn.record.acl], txn.record.version);
      return { kind: 'stat', stat: statAt(tree, txn.record.path) };
    case OpCode.check:
      return { kind: 'stat', stat: statAt(tree, txn.record.path) };
    case OpCode.createSession:
      return NONE;
    case OpCode.closeSession:
      for (const path of txn.record.paths2Delete) {
        const node = tree.get(path);
        if (node !== undefined && node.stat.ephemeralOwner === ctx.sessionId && tree.kindOf(node.stat.ephemeralOwner) === 'ephemeral') deleteWithEvents(ctx, path);
      }
      // Ephemerals created after the close was prepared (none in order, but be safe).
      for (const path of tree.ephemeralsOf(ctx.sessionId)) deleteWithEvents(ctx, path);
      return NONE;
    case OpCode.error:
      throw new CoordError(txn.record.err);
    case OpCode.multi:
      return applyMulti(ctx, txn.txns).body;
  }
}

function applyMulti(ctx: TxnContext, txns: readonly Txn[]): { err: number; body: ReplyBody } {
  const failedAt = txns.findIndex((t) => t.type === OpCode.error);
  if (failedAt >= 0) {
    // Nothing is applied. Ops before the failure report OK, the failure its code, the rest -2.
    const results: MultiResult[] = txns.map((t, i) => ({
      type: OpCode.error,
      err: i < failedAt ? ErrorCode.OK : t.type === OpCode.error ? t.record.err : ErrorCode.RUNTIMEINCONSISTENCY,
    }));
    return { err: ErrorCode.OK, body: { kind: 'multi', results } };
  }
  const results: MultiResult[] = txns.map((t) => {
    const body = applyOne(ctx, t);
    switch (t.type) {
      case OpCode.create:
        return { type: OpCode.create, path: t.record.path };
      case OpCode.create2:
      case OpCode.createContainer:
      case OpCode.createTTL:
        // ZooKeeper reports every create that returns a Stat as create2.
        return { type: OpCode.create2, path: t.record.path, stat: body.kind === 'create2' ? body.stat : statAt(ctx.tree, t.record.path) };
      case OpCode.delete:
      case OpCode.deleteContainer:
        return { type: OpCode.delete };
      case OpCode.setData:
        return { type: OpCode.setData, stat: body.kind === 'stat' ? body.stat : statAt(ctx.tree, t.record.path) };
      case OpCode.check:
        return { type: OpCode.check };
      default:
        return { type: OpCode.error, err: ErrorCode.RUNTIMEINCONSISTENCY };
    }
  });
  return { err: ErrorCode.OK, body: { kind: 'multi', results } };
}

function deleteWithEvents(ctx: TxnContext, path: string): void {
  const node = ctx.tree.deleteNode(path, ctx.zxid);
  const told = fire(ctx, 'data', path, EventType.NodeDeleted, node.acl);
  fire(ctx, 'child', path, EventType.NodeDeleted, node.acl, told);
  fire(ctx, 'child', parentOf(path), EventType.NodeChildrenChanged);
}

function fire(ctx: TxnContext, table: 'data' | 'child', path: string, type: EventTypeValue, acl?: readonly ACL[], suppress?: ReadonlySet<WatcherId>): Set<WatcherId> {
  const watchers = ctx.watches[table].trigger(path, type, suppress);
  if (watchers.size === 0) return watchers;
  const nodeAcl = acl ?? ctx.tree.get(path)?.acl ?? [];
  for (const watcher of watchers) ctx.notifications.push({ watcher, type, path, acl: nodeAcl });
  return watchers;
}

function statAt(tree: DataTree, path: string): Stat {
  const node = tree.get(path);
  if (node === undefined) throw new CoordError(ErrorCode.NONODE, { path });
  return tree.statOf(node);
}
