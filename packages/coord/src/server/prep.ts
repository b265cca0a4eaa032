import { ErrorCode } from '../errors/codes.js';
import { CoordError } from '../errors/errors.js';
import { CreateMode, OpCode, Perms } from '../jute/opcodes.js';
import type { Id } from '../jute/records/data.js';
import type { MultiOp } from '../jute/records/multi.js';
import type { CheckVersionRequest, CreateTTLRequest, DeleteRequest, SetACLRequest, SetDataRequest } from '../jute/records/requests.js';
import { pathProblem } from '../util/paths.js';
import { aclAllows, fixupAcl } from './acl.js';
import { CONFIG_NODE, QUOTA_NODE, ROOT, SYSTEM_NODE, type DataTree } from './data-tree.js';
import { CONTAINER_OWNER, MAX_TTL_MS, ttlOwner } from './ephemeral-type.js';
import { PendingChanges, type NodeView } from './pending-changes.js';
import type { Txn, TxnEntry } from './txn.js';

/**
 * prep (ZooKeeper's PrepRequestProcessor): turns a write request into the transaction that
 * will be logged and applied. Pure. Every check happens here, against the tree plus the effects
 * of earlier ops of the same multi; a failed check becomes an ErrorTxn that still takes a zxid,
 * exactly as ZooKeeper logs failed writes.
 */

export type WriteRequest =
  | MultiOp
  | { readonly type: typeof OpCode.deleteContainer; readonly request: DeleteRequest }
  | { readonly type: typeof OpCode.setACL; readonly request: SetACLRequest }
  | { readonly type: typeof OpCode.multi; readonly ops: readonly MultiOp[] }
  | { readonly type: typeof OpCode.createSession; readonly timeoutMs: number }
  | { readonly type: typeof OpCode.closeSession };

export interface PrepContext {
  readonly tree: DataTree;
  readonly sessionId: bigint;
  readonly cxid: number;
  readonly zxid: bigint;
  /** Wall-clock ms for ctime/mtime, passed in by the shell. */
  readonly time: bigint;
  /** The connection's authenticated ids (always including ip:<address>). */
  readonly authIds: readonly Id[];
  readonly extendedTypesEnabled: boolean;
}

class PrepError extends Error {
  constructor(readonly code: number) {
    super(`prep failed with ${code}`);
  }
}

const fail = (code: number): never => {
  throw new PrepError(code);
};

const SPECIAL_PATHS = new Set([ROOT, SYSTEM_NODE, QUOTA_NODE, CONFIG_NODE]);

export function prep(ctx: PrepContext, request: WriteRequest): TxnEntry {
  const header = { clientId: ctx.sessionId, cxid: ctx.cxid, zxid: ctx.zxid, time: ctx.time, type: request.type as number };
  const pending = new PendingChanges(ctx.tree);
  if (request.type === OpCode.multi) {
    // ZooKeeper cannot decode a write multi holding reads ("Mixing different kind of ops") nor
    // prepare a multi of reads: the whole request fails with MARSHALLINGERROR.
    if (request.ops.some((op) => op.type === OpCode.getData || op.type === OpCode.getChildren)) {
      return { header: { ...header, type: OpCode.error }, txn: { type: OpCode.error, record: { err: ErrorCode.MARSHALLINGERROR } } };
    }
    return { header, txn: prepMulti(ctx, pending, request.ops) };
  }
  try {
    return { header, txn: prepOne(ctx, pending, request) };
  } catch (err) {
    return { header: { ...header, type: OpCode.error }, txn: { type: OpCode.error, record: { err: codeOf(err) } } };
  }
}

function codeOf(err: unknown): number {
  if (err instanceof PrepError) return err.code;
  if (err instanceof CoordError) return err.code;
  return ErrorCode.MARSHALLINGERROR;
}

/** Ops after a failure are not checked; they become RUNTIMEINCONSISTENCY, as ZooKeeper logs them. */
function prepMulti(ctx: PrepContext, pending: PendingChanges, ops: readonly MultiOp[]): Txn {
  const txns: Txn[] = [];
  let failed = false;
  for (const op of ops) {
    if (failed) {
      txns.push({ type: OpCode.error, record: { err: ErrorCode.RUNTIMEINCONSISTENCY } });
      continue;
    }
    try {
      txns.push(prepOne(ctx, pending, multiCreateOp(op)));
    } catch (err) {
      failed = true;
      txns.push({ type: OpCode.error, record: { err: codeOf(err) } });
      pending.clear();
    }
  }
  return { type: OpCode.multi, txns };
}

/**
 * Inside a multi, ZooKeeper rebuilds each create op from its flags (Op.create): container flags
 * make it a createContainer, any other non-TTL flags a plain create (a create2 op too), whatever
 * opcode the client put in the op header.
 */
function multiCreateOp(op: MultiOp): MultiOp {
  if (op.type !== OpCode.create && op.type !== OpCode.create2 && op.type !== OpCode.createContainer) return op;
  const flags = op.request.flags;
  if (flags === CreateMode.PERSISTENT_WITH_TTL || flags === CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL) fail(ErrorCode.BADARGUMENTS);
  return { type: flags === CreateMode.CONTAINER ? OpCode.createContainer : OpCode.create, request: op.request };
}

function prepOne(ctx: PrepContext, pending: PendingChanges, request: WriteRequest): Txn {
  switch (request.type) {
    case OpCode.create:
    case OpCode.create2:
    case OpCode.createContainer:
    case OpCode.createTTL:
      return prepCreate(ctx, pending, request.type, request.request);
    case OpCode.delete:
    case OpCode.deleteContainer:
      return prepDelete(ctx, pending, request.type, request.request);
    case OpCode.setData:
      return prepSetData(ctx, pending, request.request);
    case OpCode.setACL:
      return prepSetAcl(ctx, pending, request.request);
    case OpCode.check:
      return prepCheck(ctx, pending, request.request);
    case OpCode.createSession:
      return { type: OpCode.createSession, record: { timeOut: request.timeoutMs } };
    case OpCode.closeSession:
      return { type: OpCode.closeSession, record: { paths2Delete: ctx.tree.ephemeralsOf(ctx.sessionId) } };
    default:
      return fail(ErrorCode.UNIMPLEMENTED);
  }
}

function nodeOrFail(pending: PendingChanges, path: string): NodeView {
  return pending.get(path) ?? fail(ErrorCode.NONODE);
}

function requireAcl(ctx: PrepContext, node: NodeView, perm: number): void {
  if (!aclAllows(node.acl, perm, ctx.authIds)) fail(ErrorCode.NOAUTH);
}

function validPath(path: string): void {
  if (pathProblem(path) !== undefined) fail(ErrorCode.BADARGUMENTS);
}

/** ZooKeeper's %010d: zero-padded to ten characters, a minus sign counting as one. */
export function sequenceSuffix(counter: number): string {
  return counter < 0 ? `-${String(-counter).padStart(9, '0')}` : String(counter).padStart(10, '0');
}

/** Stored version + 1, after checking the caller's expected version (-1 = any). */
function checkAndIncVersion(current: number, expected: number): number {
  if (expected !== -1 && expected !== current) fail(ErrorCode.BADVERSION);
  return current === 0x7fffffff ? -0x80000000 : current + 1;
}

function prepCreate(
  ctx: PrepContext,
  pending: PendingChanges,
  type: typeof OpCode.create | typeof OpCode.create2 | typeof OpCode.createContainer | typeof OpCode.createTTL,
  request: CreateTTLRequest | Omit<CreateTTLRequest, 'ttl'>,
): Txn {
  const flags = request.flags;
  if (flags < CreateMode.PERSISTENT || flags > CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL) fail(ErrorCode.BADARGUMENTS);
  const ttlMode = flags === CreateMode.PERSISTENT_WITH_TTL || flags === CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL;
  const ttl = 'ttl' in request ? request.ttl : -1n;
  if (ttlMode && !ctx.extendedTypesEnabled) fail(ErrorCode.UNIMPLEMENTED);
  if (ttlMode ? ttl <= 0n || ttl > MAX_TTL_MS : ttl >= 0n) fail(ErrorCode.BADARGUMENTS);
  // The opcode, not the flags, decides the node type (ZooKeeper does not cross-check them): a
  // plain create with the container flag makes a persistent node, createContainer always a container.
  const container = type === OpCode.createContainer;
  const sequential = flags === CreateMode.PERSISTENT_SEQUENTIAL || flags === CreateMode.EPHEMERAL_SEQUENTIAL || flags === CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL;
  const ephemeral = flags === CreateMode.EPHEMERAL || flags === CreateMode.EPHEMERAL_SEQUENTIAL;

  let path = request.path;
  const lastSlash = path.lastIndexOf('/');
  if (lastSlash < 0 || path.includes('\0')) fail(ErrorCode.BADARGUMENTS);
  const acl = fixupAcl(request.acl, ctx.authIds) ?? fail(ErrorCode.INVALIDACL);
  const parentPath = lastSlash === 0 ? ROOT : path.slice(0, lastSlash);
  const parent = nodeOrFail(pending, parentPath);
  requireAcl(ctx, parent, Perms.CREATE);
  const parentCVersion = parent.stat.cversion;
  if (sequential) path += sequenceSuffix(parentCVersion);
  validPath(path);
  if (pending.get(path) !== undefined) fail(ErrorCode.NODEEXISTS);
  if (ctx.tree.kindOf(parent.stat.ephemeralOwner) === 'ephemeral') fail(ErrorCode.NOCHILDRENFOREPHEMERALS);
  const newCversion = (parentCVersion + 1) | 0; // wraps as a Java int

  const owner = container ? CONTAINER_OWNER : ttlMode ? ttlOwner(ttl) : ephemeral ? ctx.sessionId : 0n;
  pending.set(parentPath, { ...parent, stat: { ...parent.stat, cversion: newCversion, pzxid: ctx.zxid }, childCount: parent.childCount + 1 });
  pending.set(path, {
    stat: { czxid: ctx.zxid, mzxid: ctx.zxid, ctime: ctx.time, mtime: ctx.time, version: 0, cversion: 0, aversion: 0, ephemeralOwner: owner, pzxid: ctx.zxid },
    childCount: 0,
    acl,
  });
  const base = { path, data: request.data, acl, parentCVersion: newCversion };
  if (type === OpCode.createContainer) return { type, record: base };
  if (type === OpCode.createTTL) return { type, record: { ...base, ttl } };
  return { type, record: { ...base, ephemeral } };
}

function prepDelete(ctx: PrepContext, pending: PendingChanges, type: typeof OpCode.delete | typeof OpCode.deleteContainer, request: DeleteRequest): Txn {
  const path = request.path;
  const lastSlash = path.lastIndexOf('/');
  if (lastSlash < 0 || path.includes('\0') || SPECIAL_PATHS.has(path)) fail(ErrorCode.BADARGUMENTS);
  const parentPath = lastSlash === 0 ? ROOT : path.slice(0, lastSlash);
  let parent: NodeView;
  let node: NodeView;
  if (type === OpCode.delete) {
    parent = nodeOrFail(pending, parentPath);
    requireAcl(ctx, parent, Perms.DELETE);
    node = nodeOrFail(pending, path);
    checkAndIncVersion(node.stat.version, request.version);
    if (node.childCount > 0) fail(ErrorCode.NOTEMPTY);
  } else {
    // ZooKeeper's order for deleteContainer: node, children, a session's ephemeral is
    // BADVERSION (persistent nodes pass), then the parent. No ACL check.
    node = nodeOrFail(pending, path);
    if (node.childCount > 0) fail(ErrorCode.NOTEMPTY);
    if (ctx.tree.kindOf(node.stat.ephemeralOwner) === 'ephemeral') fail(ErrorCode.BADVERSION);
    parent = nodeOrFail(pending, parentPath);
  }
  pending.set(parentPath, { ...parent, stat: { ...parent.stat, pzxid: ctx.zxid }, childCount: parent.childCount - 1 });
  pending.set(path, null);
  return { type, record: { path } };
}

function prepSetData(ctx: PrepContext, pending: PendingChanges, request: SetDataRequest): Txn {
  validPath(request.path);
  const node = nodeOrFail(pending, request.path);
  requireAcl(ctx, node, Perms.WRITE);
  const version = checkAndIncVersion(node.stat.version, request.version);
  pending.set(request.path, { ...node, stat: { ...node.stat, version, mzxid: ctx.zxid, mtime: ctx.time } });
  return { type: OpCode.setData, record: { path: request.path, data: request.data, version } };
}

function prepSetAcl(ctx: PrepContext, pending: PendingChanges, request: SetACLRequest): Txn {
  validPath(request.path);
  const acl = fixupAcl(request.acl, ctx.authIds) ?? fail(ErrorCode.INVALIDACL);
  const node = nodeOrFail(pending, request.path);
  requireAcl(ctx, node, Perms.ADMIN);
  const version = checkAndIncVersion(node.stat.aversion, request.version);
  pending.set(request.path, { ...node, acl, stat: { ...node.stat, aversion: version } });
  return { type: OpCode.setACL, record: { path: request.path, acl, version } };
}

function prepCheck(ctx: PrepContext, pending: PendingChanges, request: CheckVersionRequest): Txn {
  validPath(request.path);
  const node = nodeOrFail(pending, request.path);
  requireAcl(ctx, node, Perms.READ);
  return { type: OpCode.check, record: { path: request.path, version: checkAndIncVersion(node.stat.version, request.version) } };
}
