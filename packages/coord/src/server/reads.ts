import { ErrorCode } from '../errors/codes.js';
import { OpCode, Perms, WatcherType } from '../jute/opcodes.js';
import type { Id } from '../jute/records/data.js';
import type { MultiOp, MultiResult } from '../jute/records/multi.js';
import { aclAllows, redactAcl } from './acl.js';
import { ROOT, type DataNode, type DataTree } from './data-tree.js';
import { WatchMode, type WatcherId } from './watch-table.js';
import type { WatchTables } from './apply.js';

/**
 * The read half of FinalRequestProcessor, pure: reads see the tree as of the last applied
 * txn, register watches for the asking connection, and never touch the log.
 */

export interface ReadContext {
  readonly tree: DataTree;
  readonly watches: WatchTables;
  readonly watcher: WatcherId;
  readonly sessionId: bigint;
  readonly authIds: readonly Id[];
}

export class ReadError extends Error {
  constructor(readonly code: number) {
    super(`read failed with ${code}`);
  }
}

const fail = (code: number): never => {
  throw new ReadError(code);
};

function readable(ctx: ReadContext, path: string): DataNode {
  if (path.includes('\0')) fail(ErrorCode.BADARGUMENTS);
  const node = ctx.tree.get(path) ?? fail(ErrorCode.NONODE);
  if (!aclAllows(node.acl, Perms.READ, ctx.authIds)) fail(ErrorCode.NOAUTH);
  return node;
}

/**
 * exists: the watch is set even when the node is missing (NodeCreated will fire). ZooKeeper
 * checks no permission here: anyone may see a node's Stat.
 */
export function exists(ctx: ReadContext, path: string, watch: boolean) {
  if (path.includes('\0')) fail(ErrorCode.BADARGUMENTS);
  const node = ctx.tree.get(path);
  if (watch) ctx.watches.data.add(path, ctx.watcher, WatchMode.STANDARD);
  return { stat: ctx.tree.statOf(node ?? fail(ErrorCode.NONODE)) };
}

export function getData(ctx: ReadContext, path: string, watch: boolean) {
  const node = readable(ctx, path);
  if (watch) ctx.watches.data.add(path, ctx.watcher, WatchMode.STANDARD);
  return { data: node.data, stat: ctx.tree.statOf(node) };
}

export function getChildren(ctx: ReadContext, path: string, watch: boolean) {
  const node = readable(ctx, path);
  if (watch) ctx.watches.child.add(path, ctx.watcher, WatchMode.STANDARD);
  return { children: [...node.children], stat: ctx.tree.statOf(node) };
}

/** READ or ADMIN lets a caller see the ACL; without ADMIN, digest hashes are hidden. */
export function getAcl(ctx: ReadContext, path: string) {
  if (path.includes('\0')) fail(ErrorCode.BADARGUMENTS);
  const node = ctx.tree.get(path) ?? fail(ErrorCode.NONODE);
  if (!aclAllows(node.acl, Perms.READ | Perms.ADMIN, ctx.authIds)) fail(ErrorCode.NOAUTH);
  const acl = aclAllows(node.acl, Perms.ADMIN, ctx.authIds) ? node.acl : redactAcl(node.acl);
  return { acl, stat: ctx.tree.statOf(node) };
}

export function getAllChildrenNumber(ctx: ReadContext, path: string) {
  readable(ctx, path);
  return { totalNumber: ctx.tree.countDescendants(path) };
}

/** The asking session's ephemerals under a plain string prefix ("/" or blank means all). */
export function getEphemerals(ctx: ReadContext, prefixPath: string) {
  const all = ctx.tree.ephemeralsOf(ctx.sessionId).sort();
  const prefix = prefixPath.trim();
  return { ephemerals: prefix === '' || prefix === ROOT ? all : all.filter((p) => p.startsWith(prefixPath)) };
}

/** A reply that would be bigger than any client accepts; the server closes instead of building it. */
export class ReplyTooLargeError extends Error {}

/**
 * multiRead: each op answers on its own; a failure is an error result, not a failed request.
 * The data gathered is bounded so one small request cannot make the server build a huge reply.
 */
export function multiRead(ctx: ReadContext, ops: readonly MultiOp[], maxReplyBytes: number): MultiResult[] {
  let bytes = 0;
  return ops.map((op): MultiResult => {
    try {
      if (op.type === OpCode.getData) {
        const result = getData(ctx, op.request.path, op.request.watch);
        bytes += result.data?.length ?? 0;
        if (bytes > maxReplyBytes) throw new ReplyTooLargeError(`multiRead reply would exceed ${maxReplyBytes} bytes`);
        return { type: OpCode.getData, ...result };
      }
      if (op.type === OpCode.getChildren) {
        const { children } = getChildren(ctx, op.request.path, op.request.watch);
        for (const name of children) bytes += 4 + name.length;
        if (bytes > maxReplyBytes) throw new ReplyTooLargeError(`multiRead reply would exceed ${maxReplyBytes} bytes`);
        return { type: OpCode.getChildren, children };
      }
      return { type: OpCode.error, err: ErrorCode.BADARGUMENTS };
    } catch (err) {
      if (!(err instanceof ReadError)) throw err;
      return { type: OpCode.error, err: err.code };
    }
  });
}

/**
 * ZooKeeper 3.8 understands only Children, Data and Any here; other types fail as the Java
 * server's WatcherType.fromInt does.
 */
function tablesFor(ctx: ReadContext, type: number) {
  switch (type) {
    case WatcherType.Children:
      return [ctx.watches.child];
    case WatcherType.Data:
      return [ctx.watches.data];
    case WatcherType.Any:
      return [ctx.watches.child, ctx.watches.data];
    default:
      return fail(ErrorCode.MARSHALLINGERROR);
  }
}

export function checkWatches(ctx: ReadContext, path: string, type: number): void {
  if (!tablesFor(ctx, type).some((t) => t.has(path, ctx.watcher))) fail(ErrorCode.NOWATCHER);
}

export function removeWatches(ctx: ReadContext, path: string, type: number): void {
  let removed = false;
  for (const table of tablesFor(ctx, type)) removed = table.remove(path, ctx.watcher) || removed;
  if (!removed) fail(ErrorCode.NOWATCHER);
}

/** addWatch: persistent watches go in both tables, recursive ones only in the data table. */
export function addWatch(ctx: ReadContext, path: string, mode: number): void {
  if (mode === 0) {
    ctx.watches.data.add(path, ctx.watcher, WatchMode.PERSISTENT);
    ctx.watches.child.add(path, ctx.watcher, WatchMode.PERSISTENT);
  } else if (mode === 1) {
    ctx.watches.data.add(path, ctx.watcher, WatchMode.PERSISTENT_RECURSIVE);
  } else {
    fail(ErrorCode.BADARGUMENTS);
  }
}

export interface CatchUpEvent {
  readonly type: 'NodeCreated' | 'NodeDeleted' | 'NodeDataChanged' | 'NodeChildrenChanged';
  readonly path: string;
}

/**
 * SetWatches/SetWatches2 after a client reconnects: a watch whose node changed after
 * `relativeZxid` fires at once instead of being registered; persistent watches are only
 * registered (they have no catch-up).
 */
export function setWatches(
  ctx: ReadContext,
  relativeZxid: bigint,
  lists: { data: readonly string[]; exist: readonly string[]; child: readonly string[]; persistent: readonly string[]; persistentRecursive: readonly string[] },
): CatchUpEvent[] {
  const events: CatchUpEvent[] = [];
  const { tree, watches, watcher } = ctx;
  for (const path of lists.data) {
    const node = tree.get(path);
    if (node === undefined) events.push({ type: 'NodeDeleted', path });
    else if (node.stat.mzxid > relativeZxid) events.push({ type: 'NodeDataChanged', path });
    else watches.data.add(path, watcher, WatchMode.STANDARD);
  }
  for (const path of lists.exist) {
    if (tree.get(path) !== undefined) events.push({ type: 'NodeCreated', path });
    else watches.data.add(path, watcher, WatchMode.STANDARD);
  }
  for (const path of lists.child) {
    const node = tree.get(path);
    if (node === undefined) events.push({ type: 'NodeDeleted', path });
    else if (node.stat.pzxid > relativeZxid) events.push({ type: 'NodeChildrenChanged', path });
    else watches.child.add(path, watcher, WatchMode.STANDARD);
  }
  for (const path of lists.persistent) {
    watches.data.add(path, watcher, WatchMode.PERSISTENT);
    watches.child.add(path, watcher, WatchMode.PERSISTENT);
  }
  for (const path of lists.persistentRecursive) watches.data.add(path, watcher, WatchMode.PERSISTENT_RECURSIVE);
  return events;
}
