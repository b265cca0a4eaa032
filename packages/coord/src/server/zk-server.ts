import { createHash } from 'node:crypto';
import { ErrorCode } from '../errors/codes.js';
import { type Codec } from '../jute/codec.js';
import { MarshallingError } from '../errors/errors.js';
import { OpCode, Perms, Xid } from '../jute/opcodes.js';
import type { JuteReader } from '../jute/reader.js';
import type { ConnectRequest } from '../jute/records/connect.js';
import type { Id } from '../jute/records/data.js';
import { AuthPacket, ErrorResponse, ReplyHeader, WatcherEvent } from '../jute/records/headers.js';
import { MultiRequest, MultiResponse } from '../jute/records/multi.js';
import {
  ExistsRequest,
  ExistsResponse,
  GetACLRequest,
  GetACLResponse,
  GetAllChildrenNumberRequest,
  GetAllChildrenNumberResponse,
  GetChildren2Response,
  GetChildrenRequest,
  GetChildrenResponse,
  GetDataRequest,
  GetDataResponse,
  GetEphemeralsRequest,
  GetEphemeralsResponse,
  SyncRequest,
  SyncResponse,
  WhoAmIResponse,
} from '../jute/records/requests.js';
import { AddWatchRequest, CheckWatchesRequest, RemoveWatchesRequest, SetWatches, SetWatches2 } from '../jute/records/watches.js';
import { JuteWriter } from '../jute/writer.js';
import type { Clock } from '../util/clock.js';
import { aclAllows } from './acl.js';
import { apply, type ApplyResult, type Notification, type WatchTables } from './apply.js';
import { DataTree } from './data-tree.js';
import { prep, type WriteRequest } from './prep.js';
import * as reads from './reads.js';
import { sessionPassword } from './session-password.js';
import { SessionTracker } from './sessions.js';
import type { TxnEntry } from './txn.js';
import { decodeWriteRequest, WRITE_OPCODES, writeReplyBody } from './write-requests.js';
import { DurableEgress } from './egress.js';
import { lastOperationName, requestKind } from './admin/request-kinds.js';
import { ServerStats, type ConnectionRecorder } from './admin/server-stats.js';
import { WatchTable, type WatcherId } from './watch-table.js';

/** One client connection as the request processor sees it; the socket code implements it. */
export interface ClientLink {
  readonly id: WatcherId;
  readonly remoteAddress: string;
  sessionId: bigint;
  readonly authIds: Id[];
  /** Sends one frame body (the link adds the length prefix). */
  send(body: Buffer): void;
  /** Closes after everything sent so far has been written. */
  close(reason: string): void;
  /** Per-connection counters for cons/mntr, when the link keeps them. */
  readonly stats?: ConnectionRecorder;
}

export interface ServerCoreOptions {
  readonly serverId: number;
  readonly tickTimeMs: number;
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  readonly extendedTypesEnabled: boolean;
  /** `super:<base64 sha1>`: a digest identity that bypasses every ACL. */
  readonly superDigest: string | undefined;
  readonly clock: Clock;
  /** State recovered from disk: the tree (with its last zxid) and the open sessions with their timeouts. */
  readonly restored?: { readonly tree: DataTree; readonly sessions: ReadonlyMap<bigint, number> };
  /** Largest reply the server builds for a multiRead; a client could not read more (jute.maxbuffer). */
  readonly maxReplyBytes: number;
  /**
   * Where transactions go before they are applied. A log that is not durable at once calls
   * `ServerCore.markDurable(zxid)` when it is; without one, every txn counts as durable at once.
   */
  readonly txnLog?: { append(entry: TxnEntry): void };
  readonly log?: (level: 'debug' | 'info' | 'warn', message: string) => void;
}

const EMPTY_PASSWORD = new Uint8Array(16);
const SYNC_CONNECTED = 3;

/** ServerCnxn.addAuthInfo: the same identity twice is kept once. */
function addAuthId(link: ClientLink, id: Id): void {
  if (!link.authIds.some((a) => a.scheme === id.scheme && a.id === id.id)) link.authIds.push(id);
}

function replyFrame(xid: number, zxid: bigint, err: number, write?: (w: JuteWriter) => void): Buffer {
  const w = new JuteWriter(64);
  ReplyHeader.write(w, { xid, zxid, err });
  if (err === ErrorCode.OK && write !== undefined) write(w);
  return w.toBuffer();
}

/**
 * The request processor of a standalone server: sessions, the prep → log → apply pipeline for
 * writes, reads against the tree, and watch delivery. Runs every request to completion in
 * arrival order, so replies on a connection leave in request order and notifications follow
 * the reply of the write that caused them.
 */
export class ServerCore {
  readonly tree: DataTree;
  readonly watches: WatchTables = { data: new WatchTable(), child: new WatchTable() };
  readonly sessions: SessionTracker;
  private readonly links = new Map<WatcherId, ClientLink>();
  private readonly sessionLinks = new Map<bigint, ClientLink>();
  private zxid = 0n;
  readonly counters = { packetsReceived: 0, packetsSent: 0, notificationsSent: 0, txns: 0 };
  /** Latencies and counters for srvr, mntr, the AdminServer and /metrics. */
  readonly stats = new ServerStats();
  /** Output held until the txns it depends on are on disk. */
  private readonly egress = new DurableEgress();

  constructor(private readonly options: ServerCoreOptions) {
    const restored = options.restored;
    this.tree = restored?.tree ?? new DataTree(undefined, { extendedTypesEnabled: options.extendedTypesEnabled });
    this.sessions = new SessionTracker(options.serverId, options.clock.now(), options.tickTimeMs);
    // Sessions recovered from disk start a fresh timeout now and expire normally if their
    // clients do not come back.
    for (const [id, timeoutMs] of restored?.sessions ?? []) this.sessions.add(id, timeoutMs, options.clock.now());
    this.zxid = this.tree.lastProcessedZxid;
    this.egress.markLogged(this.zxid);
    this.egress.markDurable(this.zxid);
  }

  get lastZxid(): bigint {
    return this.tree.lastProcessedZxid;
  }

  get connectionCount(): number {
    return this.links.size;
  }

  // --- connections and sessions -----------------------------------------------------------

  attach(link: ClientLink): void {
    this.links.set(link.id, link);
  }

  detach(link: ClientLink): void {
    this.links.delete(link.id);
    this.watches.data.removeWatcher(link.id);
    this.watches.child.removeWatcher(link.id);
    if (this.sessionLinks.get(link.sessionId) === link) this.sessionLinks.delete(link.sessionId);
  }

  /** The handshake (ZooKeeperServer.processConnectRequest). Returns the response fields to send. */
  connect(link: ClientLink, request: ConnectRequest): { timeOut: number; sessionId: bigint; passwd: Uint8Array } | undefined {
    this.stats.increment('connection_request_count');
    if (request.lastZxidSeen > this.tree.lastProcessedZxid) {
      link.close(`client has seen zxid 0x${request.lastZxidSeen.toString(16)}, ahead of this server's 0x${this.tree.lastProcessedZxid.toString(16)}`);
      return undefined;
    }
    const timeOut = Math.min(this.options.maxSessionTimeoutMs, Math.max(this.options.minSessionTimeoutMs, request.timeOut));
    const now = this.options.clock.now();
    if (request.sessionId === 0n) {
      const id = this.sessions.create(timeOut, now);
      this.write(id, 0, { type: OpCode.createSession, timeoutMs: timeOut }, []);
      this.bind(link, id);
      return { timeOut, sessionId: id, passwd: sessionPassword(id) };
    }
    const previous = this.sessionLinks.get(request.sessionId);
    if (previous !== undefined && previous !== link) previous.close('session moved to a new connection');
    const passwordOk = request.passwd !== null && Buffer.from(request.passwd).equals(Buffer.from(sessionPassword(request.sessionId)));
    if (!passwordOk || !this.sessions.touch(request.sessionId, now)) {
      return { timeOut: 0, sessionId: 0n, passwd: EMPTY_PASSWORD };
    }
    this.bind(link, request.sessionId);
    return { timeOut, sessionId: request.sessionId, passwd: sessionPassword(request.sessionId) };
  }

  private bind(link: ClientLink, sessionId: bigint): void {
    link.sessionId = sessionId;
    this.sessionLinks.set(sessionId, link);
  }

  /** Expires sessions whose deadline passed (called every tick by the shell). */
  expireSessions(): void {
    for (const id of this.sessions.expired(this.options.clock.now())) {
      this.options.log?.('info', `expiring session 0x${id.toString(16)}`);
      this.stats.increment('stale_sessions_expired');
      this.closeSession(id, 0);
    }
  }

  /** Ends a session: its ephemerals go (with their events), then its connection is closed. */
  private closeSession(sessionId: bigint, cxid: number, reply?: ClientLink): void {
    this.sessions.setClosing(sessionId);
    const result = this.write(sessionId, cxid, { type: OpCode.closeSession }, []);
    this.sessions.remove(sessionId);
    if (reply !== undefined) this.send(reply, replyFrame(cxid, result.zxid, ErrorCode.OK));
    const link = this.sessionLinks.get(sessionId);
    if (link !== undefined) {
      this.sessionLinks.delete(sessionId);
      this.closeAfterOutput(link, 'session closed');
    }
  }

  /** ContainerManager's removal of an empty container or expired TTL node: a write with no session. */
  removeContainer(path: string): void {
    const result = this.write(0n, 0, { type: OpCode.deleteContainer, request: { path, version: -1 } }, []);
    this.deliver(result.notifications);
  }

  // --- requests ---------------------------------------------------------------------------

  /** Authenticates (xid -4): digest and ip succeed; anything else fails and closes, as ZooKeeper does. */
  auth(link: ClientLink, xid: number, reader: JuteReader): void {
    const packet = AuthPacket.read(reader);
    const data = Buffer.from(packet.auth ?? new Uint8Array(0));
    if (packet.scheme === 'digest') {
      const text = data.toString('utf8');
      const user = text.split(':', 1)[0] ?? '';
      const id = `${user}:${createHash('sha1').update(data).digest('base64')}`;
      if (this.options.superDigest !== undefined && id === this.options.superDigest) addAuthId(link, { scheme: 'super', id: '' });
      addAuthId(link, { scheme: 'digest', id });
    } else if (packet.scheme === 'ip') {
      addAuthId(link, { scheme: 'ip', id: link.remoteAddress });
    } else {
      this.options.log?.('warn', `authentication failed: no provider for scheme ${packet.scheme}`);
      this.stats.authFailed++;
      this.send(link, replyFrame(xid, 0n, ErrorCode.AUTHFAILED));
      this.closeAfterOutput(link, 'authentication failed');
      return;
    }
    this.send(link, replyFrame(xid, 0n, ErrorCode.OK));
  }

  /**
   * One request after the handshake. A body that does not decode is answered MARSHALLINGERROR
   * and the connection stays open, as in ZooKeeper; only a bad auth packet throws.
   */
  request(link: ClientLink, xid: number, opcode: number, reader: JuteReader): void {
    this.counters.packetsReceived++;
    this.sessions.touch(link.sessionId, this.options.clock.now());
    if (xid === Xid.auth || opcode === OpCode.auth) {
      this.auth(link, xid, reader);
      return;
    }
    const startedAt = performance.now();
    try {
      this.dispatch(link, xid, opcode, reader);
      const latencyMs = performance.now() - startedAt;
      this.stats.requestDone(requestKind(opcode), latencyMs);
      link.stats?.responded(lastOperationName(opcode), xid, this.tree.lastProcessedZxid, latencyMs, this.options.clock.now());
    } catch (err) {
      if (err instanceof reads.ReplyTooLargeError) {
        this.options.log?.('warn', `closing connection ${link.id}: ${err.message}`);
        this.closeAfterOutput(link, 'reply too large');
        return;
      }
      if (!(err instanceof MarshallingError)) throw err;
      this.rejectUndecodable(link, xid, opcode);
    }
  }

  /**
   * ZooKeeper's answer to a request whose body does not decode: a write still takes a zxid
   * (its ErrorTxn is logged), a multiRead reply carries an empty result list, and nothing closes.
   */
  private rejectUndecodable(link: ClientLink, xid: number, opcode: number): void {
    if (WRITE_OPCODES.has(opcode)) {
      this.send(link, replyFrame(xid, this.failWrite(link, xid, ErrorCode.MARSHALLINGERROR), ErrorCode.MARSHALLINGERROR));
      return;
    }
    const w = new JuteWriter(32);
    ReplyHeader.write(w, { xid, zxid: this.tree.lastProcessedZxid, err: ErrorCode.MARSHALLINGERROR });
    if (opcode === OpCode.multiRead) MultiResponse.write(w, []);
    this.send(link, w.toBuffer());
  }

  /** A write refused before prep: it takes a zxid and logs an ErrorTxn, as ZooKeeper does. */
  private failWrite(link: ClientLink, xid: number, code: number): bigint {
    const zxid = ++this.zxid;
    const header = { clientId: link.sessionId, cxid: xid, zxid, time: BigInt(this.options.clock.now()), type: OpCode.error };
    this.logTxn({ header, txn: { type: OpCode.error, record: { err: code } } });
    this.tree.lastProcessedZxid = zxid;
    return zxid;
  }

  private logTxn(entry: TxnEntry): void {
    this.egress.markLogged(entry.header.zxid);
    if (this.options.txnLog === undefined) this.egress.markDurable(entry.header.zxid);
    else this.options.txnLog.append(entry);
  }

  /** The log has everything up to `zxid` on disk: replies and events waiting for it go out. */
  markDurable(zxid: bigint): void {
    this.egress.markDurable(zxid);
  }

  /** Replies waiting for the disk. */
  get outstandingReplies(): number {
    return this.egress.waiting;
  }

  /** Sends a frame to a client once everything it may reveal is durable. */
  reply(link: ClientLink, body: Buffer): void {
    this.counters.packetsSent++;
    this.stats.responseSent(body.length);
    this.egress.emit(() => link.send(body));
  }

  /** Closes a connection after the output already produced for it has gone out. */
  closeAfterOutput(link: ClientLink, reason: string): void {
    this.egress.emit(() => link.close(reason));
  }

  private dispatch(link: ClientLink, xid: number, opcode: number, reader: JuteReader): void {
    const zxid = this.tree.lastProcessedZxid;
    const ctx: reads.ReadContext = { tree: this.tree, watches: this.watches, watcher: link.id, sessionId: link.sessionId, authIds: link.authIds };
    const answer = <T>(codec: Codec<T> | undefined, produce: () => T) => {
      let value: T;
      try {
        value = produce();
      } catch (err) {
        if (!(err instanceof reads.ReadError)) throw err;
        this.send(link, replyFrame(xid, zxid, err.code));
        return;
      }
      this.send(link, replyFrame(xid, zxid, ErrorCode.OK, codec === undefined ? undefined : (w) => codec.write(w, value)));
    };
    switch (opcode) {
      case OpCode.ping:
        // Answered at xid -2 whatever xid the client used.
        this.send(link, replyFrame(Xid.ping, zxid, ErrorCode.OK));
        return;
      case OpCode.exists: {
        const r = ExistsRequest.read(reader);
        return answer(ExistsResponse, () => reads.exists(ctx, r.path, r.watch));
      }
      case OpCode.getData: {
        const r = GetDataRequest.read(reader);
        return answer(GetDataResponse, () => reads.getData(ctx, r.path, r.watch));
      }
      case OpCode.getChildren: {
        const r = GetChildrenRequest.read(reader);
        return answer(GetChildrenResponse, () => reads.getChildren(ctx, r.path, r.watch));
      }
      case OpCode.getChildren2: {
        const r = GetChildrenRequest.read(reader);
        return answer(GetChildren2Response, () => reads.getChildren(ctx, r.path, r.watch));
      }
      case OpCode.getACL: {
        const r = GetACLRequest.read(reader);
        return answer(GetACLResponse, () => reads.getAcl(ctx, r.path));
      }
      case OpCode.getAllChildrenNumber: {
        const r = GetAllChildrenNumberRequest.read(reader);
        return answer(GetAllChildrenNumberResponse, () => reads.getAllChildrenNumber(ctx, r.path));
      }
      case OpCode.getEphemerals: {
        const r = GetEphemeralsRequest.read(reader);
        return answer(GetEphemeralsResponse, () => reads.getEphemerals(ctx, r.prefixPath));
      }
      case OpCode.sync: {
        const r = SyncRequest.read(reader);
        return answer(SyncResponse, () => ({ path: r.path }));
      }
      case OpCode.whoAmI:
        return answer(WhoAmIResponse, () => ({
          clientInfo: link.authIds.map((id) => ({ authScheme: id.scheme, user: id.scheme === 'digest' ? (id.id.split(':')[0] ?? '') : id.id })),
        }));
      case OpCode.multiRead: {
        const ops = MultiRequest.read(reader);
        if (ops.some((op) => op.type !== OpCode.getData && op.type !== OpCode.getChildren)) {
          throw new MarshallingError({ message: 'multiRead may hold only getData and getChildren ops' });
        }
        return answer(MultiResponse, () => reads.multiRead(ctx, ops, this.options.maxReplyBytes));
      }
      case OpCode.sasl:
        // No SASL here: ZooKeeper without a SASL provider drops the connection without a reply.
        this.closeAfterOutput(link, 'SASL is not supported');
        return;
      case OpCode.createSession:
        throw new MarshallingError({ message: 'createSession is not a client request' });
      case OpCode.checkWatches: {
        const r = CheckWatchesRequest.read(reader);
        return answer(undefined, () => reads.checkWatches(ctx, r.path, r.type));
      }
      case OpCode.removeWatches: {
        const r = RemoveWatchesRequest.read(reader);
        return answer(undefined, () => reads.removeWatches(ctx, r.path, r.type));
      }
      case OpCode.addWatch: {
        const r = AddWatchRequest.read(reader);
        return answer(ErrorResponse, () => {
          reads.addWatch(ctx, r.path, r.mode);
          return { err: 0 };
        });
      }
      case OpCode.setWatches:
      case OpCode.setWatches2: {
        const r = opcode === OpCode.setWatches ? { ...SetWatches.read(reader), persistentWatches: [], persistentRecursiveWatches: [] } : SetWatches2.read(reader);
        const events = reads.setWatches(ctx, r.relativeZxid, {
          data: r.dataWatches,
          exist: r.existWatches,
          child: r.childWatches,
          persistent: r.persistentWatches,
          persistentRecursive: r.persistentRecursiveWatches,
        });
        // ZooKeeper sends the catch-up events while processing, before the reply.
        for (const e of events) this.notify(link, e.type, e.path);
        this.send(link, replyFrame(xid, zxid, ErrorCode.OK));
        return;
      }
      case OpCode.closeSession:
        this.closeSession(link.sessionId, xid, link);
        return;
      default:
        this.writeRequest(link, xid, opcode, reader);
    }
  }

  private writeRequest(link: ClientLink, xid: number, opcode: number, reader: JuteReader): void {
    const request = decodeWriteRequest(opcode, reader);
    if (request !== undefined) {
      const result = this.write(link.sessionId, xid, request, link.authIds);
      this.send(link, replyFrame(xid, result.zxid, result.err, writeReplyBody(opcode, result)));
      this.deliver(result.notifications);
    } else if (opcode === OpCode.reconfig) {
      // Reconfiguration is disabled, as in a default Apache ZooKeeper; the refusal takes a zxid there too.
      this.send(link, replyFrame(xid, this.failWrite(link, xid, ErrorCode.RECONFIGDISABLED), ErrorCode.RECONFIGDISABLED));
    } else if (opcode === OpCode.deleteContainer) {
      // Only the server's own container sweeper may send this.
      this.send(link, replyFrame(xid, this.failWrite(link, xid, ErrorCode.BADARGUMENTS), ErrorCode.BADARGUMENTS));
    } else {
      // Unknown request types get UNIMPLEMENTED and the connection is closed (UnimplementedRequestProcessor).
      this.send(link, replyFrame(xid, -1n, ErrorCode.UNIMPLEMENTED));
      this.closeAfterOutput(link, `unsupported request type ${opcode}`);
    }
  }

  /** prep → log hook → apply, for one write. Notifications are delivered by the caller. */
  private write(sessionId: bigint, cxid: number, request: WriteRequest, authIds: readonly Id[]): ApplyResult {
    const zxid = ++this.zxid;
    const entry = prep(
      { tree: this.tree, sessionId, cxid, zxid, time: BigInt(this.options.clock.now()), authIds, extendedTypesEnabled: this.options.extendedTypesEnabled },
      request,
    );
    this.logTxn(entry);
    this.counters.txns++;
    const result = apply(this.tree, this.watches, entry);
    if (request.type === OpCode.closeSession || request.type === OpCode.createSession) this.deliver(result.notifications);
    return result;
  }

  /** Sends each notification to its connection if that connection may READ the node. */
  private deliver(notifications: readonly Notification[]): void {
    for (const n of notifications) {
      const link = this.links.get(n.watcher);
      if (link === undefined || !aclAllows(n.acl, Perms.READ, link.authIds)) continue;
      this.sendEvent(link, n.type, n.path);
    }
  }

  private notify(link: ClientLink, type: reads.CatchUpEvent['type'], path: string): void {
    const types = { NodeCreated: 1, NodeDeleted: 2, NodeDataChanged: 3, NodeChildrenChanged: 4 } as const;
    this.sendEvent(link, types[type], path);
  }

  private sendEvent(link: ClientLink, type: number, path: string): void {
    const w = new JuteWriter(32 + path.length);
    // ZooKeeper 3.8 stamps notifications with zxid -1.
    ReplyHeader.write(w, { xid: Xid.notification, zxid: -1n, err: 0 });
    WatcherEvent.write(w, { type, state: SYNC_CONNECTED, path });
    this.counters.notificationsSent++;
    this.send(link, w.toBuffer());
  }

  private send(link: ClientLink, body: Buffer): void {
    this.reply(link, body);
  }
}
