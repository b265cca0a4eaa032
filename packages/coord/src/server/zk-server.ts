import { createHash } from 'node:crypto';
import { ErrorCode } from '../errors/codes.js';
import { MarshallingError } from '../errors/errors.js';
import { OpCode, Perms, Xid } from '../jute/opcodes.js';
import type { JuteReader } from '../jute/reader.js';
import type { ConnectRequest } from '../jute/records/connect.js';
import type { Id } from '../jute/records/data.js';
import { AuthPacket, ReplyHeader, WatcherEvent } from '../jute/records/headers.js';
import { MultiResponse } from '../jute/records/multi.js';
import { DeleteRequest, SyncRequest, SyncResponse } from '../jute/records/requests.js';
import { JuteWriter } from '../jute/writer.js';
import type { Clock } from '../util/clock.js';
import { aclAllows } from './acl.js';
import { lastOperationName, requestKind } from './admin/request-kinds.js';
import { ServerStats, type ConnectionRecorder } from './admin/server-stats.js';
import type { ApplyResult, Notification, WatchTables } from './apply.js';
import type { DataTree } from './data-tree.js';
import { DurableEgress } from './egress.js';
import { LocalWrites } from './local-writes.js';
import { answerRead, type ReadDesk } from './read-dispatch.js';
import * as reads from './reads.js';
import { replyFrame } from './reply-frame.js';
import { OrphanedWrites } from './orphaned-writes.js';
import { RequestOrder, type OrderSlot } from './request-order.js';
import { sessionPassword } from './session-password.js';
import { SessionTracker } from './sessions.js';
import type { TxnEntry } from './txn.js';
import type { WatcherId } from './watch-table.js';
import { WRITE_OPCODES, writeReplyBody } from './write-requests.js';
import type { SubmittedWrite, WritePath, WriteSink } from './write-path.js';

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
   * Standalone: where transactions go before they are applied. A log that is not durable at once
   * calls `ServerCore.markDurable(zxid)` when it is; without one, every txn counts as durable at once.
   */
  readonly txnLog?: { append(entry: TxnEntry): void };
  /**
   * Where writes go. Default: this server prepares, logs and applies them itself (standalone,
   * with `restored` and `txnLog`). A quorum member passes its replicated write path.
   */
  readonly writePath?: WritePath;
  readonly log?: (level: 'debug' | 'info' | 'warn', message: string) => void;
}

export interface ConnectAnswer {
  readonly timeOut: number;
  readonly sessionId: bigint;
  readonly passwd: Uint8Array;
  /** A new session's handshake reveals its createSession txn: this zxid. */
  readonly barrier?: bigint;
}

const EMPTY_PASSWORD = new Uint8Array(16);
const SYNC_CONNECTED = 3;
const REFUSED: ConnectAnswer = { timeOut: 0, sessionId: 0n, passwd: EMPTY_PASSWORD };

/** ServerCnxn.addAuthInfo: the same identity twice is kept once. */
function addAuthId(link: ClientLink, id: Id): void {
  if (!link.authIds.some((a) => a.scheme === id.scheme && a.id === id.id)) link.authIds.push(id);
}

function timeoutBody(timeoutMs: number): Uint8Array {
  const w = new JuteWriter(4);
  w.int(timeoutMs);
  return w.toBuffer();
}

/** A client write on its way through the write path. */
interface PendingWrite {
  readonly link: ClientLink;
  readonly opcode: number;
  readonly slot: OrderSlot;
  readonly startedAt: number;
}

const writeKey = (sessionId: bigint, cxid: number): string => `${sessionId}:${cxid}`;

/**
 * The request processor of a coord server: sessions, reads against the tree, watch delivery and
 * the replies of writes, whose execution is delegated to a write path (standalone: prep → log →
 * apply, at once; quorum member: through the leader, answered when the txn is applied here).
 * Each connection's answers leave in request order, a session's reads wait for its own earlier
 * writes, and notifications follow the reply of the write that caused them.
 */
export class ServerCore {
  readonly sessions: SessionTracker;
  private readonly writes: WritePath;
  private readonly links = new Map<WatcherId, ClientLink>();
  private readonly sessionLinks = new Map<bigint, ClientLink>();
  private readonly orders = new Map<WatcherId, RequestOrder>();
  private readonly pendingWrites = new Map<string, PendingWrite>();
  private readonly orphans = new OrphanedWrites();
  /** New sessions whose handshake waits for their createSession txn. */
  private readonly pendingHandshakes = new Map<bigint, { link: ClientLink; answer: (a: ConnectAnswer | undefined) => void; timeOut: number }>();
  readonly counters = { packetsReceived: 0, packetsSent: 0, notificationsSent: 0, txns: 0 };
  /** Latencies and counters for srvr, mntr, the AdminServer and /metrics. */
  readonly stats = new ServerStats();
  /** Output held until the txns it depends on are durable (standalone) or committed (quorum leader). */
  private egress = new DurableEgress();
  private servingClients = true;
  /** What the read half needs from here. */
  private readonly readDesk: ReadDesk;

  constructor(private readonly options: ServerCoreOptions) {
    const restored = options.restored;
    this.sessions = new SessionTracker(options.serverId, options.clock.now(), options.tickTimeMs);
    // Sessions recovered from disk start a fresh timeout now and expire normally if their
    // clients do not come back.
    for (const [id, timeoutMs] of restored?.sessions ?? []) this.sessions.add(id, timeoutMs, options.clock.now());
    this.writes =
      options.writePath ??
      new LocalWrites({
        clock: options.clock,
        extendedTypesEnabled: options.extendedTypesEnabled,
        ...(restored === undefined ? {} : { tree: restored.tree }),
        ...(options.txnLog === undefined ? {} : { txnLog: options.txnLog }),
        sessions: () => this.sessions,
      });
    const sink: WriteSink = {
      applied: (entry, result) => this.applied(entry, result),
      refused: (write, reason) => this.refused(write, reason),
      held: (zxid) => this.egress.markLogged(zxid),
      released: (zxid) => this.egress.markDurable(zxid),
    };
    this.writes.bind(sink);
    const writes = this.writes;
    this.readDesk = {
      get tree() {
        return writes.tree;
      },
      get watches() {
        return writes.watches;
      },
      maxReplyBytes: options.maxReplyBytes,
      send: (link, body) => this.send(link, body),
      notify: (link, type, path) => this.notify(link, type, path),
      closeAfterOutput: (link, reason) => this.closeAfterOutput(link, reason),
    };
  }

  get tree(): DataTree {
    return this.writes.tree;
  }

  get watches(): WatchTables {
    return this.writes.watches;
  }

  get lastZxid(): bigint {
    return this.tree.lastProcessedZxid;
  }

  get connectionCount(): number {
    return this.links.size;
  }

  /** False while a quorum member is not serving (no leader, or syncing): connects are refused. */
  get serving(): boolean {
    return this.servingClients;
  }

  /** Whether the container/TTL sweeper should submit removals from this server now. */
  get removesContainers(): boolean {
    return this.servingClients && this.writes.removesContainers;
  }

  // --- connections and sessions -----------------------------------------------------------

  attach(link: ClientLink): void {
    this.links.set(link.id, link);
  }

  detach(link: ClientLink): void {
    this.links.delete(link.id);
    this.orders.get(link.id)?.clear();
    this.orders.delete(link.id);
    // Its writes still complete (their txns are applied everywhere); nobody here waits for the
    // replies, but the session's next connection waits for the txns.
    for (const [key, pending] of this.pendingWrites) {
      if (pending.link !== link) continue;
      this.pendingWrites.delete(key);
      this.orphans.add(link.sessionId, key);
    }
    this.watches.data.removeWatcher(link.id);
    this.watches.child.removeWatcher(link.id);
    if (this.sessionLinks.get(link.sessionId) === link) this.sessionLinks.delete(link.sessionId);
  }

  /**
   * The handshake (ZooKeeperServer.processConnectRequest). `answer` gets the response fields to
   * send, or undefined when the link was closed instead; it may be called later (a new session
   * waits for its createSession txn, a returning one for revalidation in a quorum).
   */
  connect(link: ClientLink, request: ConnectRequest, answer: (a: ConnectAnswer | undefined) => void): void {
    this.stats.increment('connection_request_count');
    if (!this.servingClients) {
      link.close('this server is not serving clients now');
      answer(undefined);
      return;
    }
    if (request.lastZxidSeen > this.tree.lastProcessedZxid) {
      link.close(`client has seen zxid 0x${request.lastZxidSeen.toString(16)}, ahead of this server's 0x${this.tree.lastProcessedZxid.toString(16)}`);
      answer(undefined);
      return;
    }
    const timeOut = Math.min(this.options.maxSessionTimeoutMs, Math.max(this.options.minSessionTimeoutMs, request.timeOut));
    const now = this.options.clock.now();
    if (request.sessionId === 0n) {
      const id = this.sessions.create(timeOut, now);
      this.bind(link, id);
      this.pendingHandshakes.set(id, { link, answer, timeOut });
      this.writes.submit({ sessionId: id, cxid: 0, opcode: OpCode.createSession, body: timeoutBody(timeOut), authIds: [] });
      return;
    }
    const sessionId = request.sessionId;
    const previous = this.sessionLinks.get(sessionId);
    if (previous !== undefined && previous !== link) previous.close('session moved to a new connection');
    const passwordOk = request.passwd !== null && Buffer.from(request.passwd).equals(Buffer.from(sessionPassword(sessionId)));
    if (!passwordOk) {
      answer(REFUSED);
      return;
    }
    this.writes.revalidate(sessionId, timeOut, (valid) => {
      if (!this.links.has(link.id)) {
        answer(undefined);
        return;
      }
      if (!valid) {
        answer(REFUSED);
        return;
      }
      if (this.sessions.get(sessionId) === undefined) this.sessions.add(sessionId, timeOut, this.options.clock.now());
      this.bind(link, sessionId);
      const gate = this.orderOf(link).reserve();
      if (!this.orphans.whenSettled(sessionId, () => this.orders.get(link.id)?.complete(gate, () => undefined))) this.orderOf(link).complete(gate, () => undefined);
      answer({ timeOut, sessionId, passwd: sessionPassword(sessionId) });
    });
  }

  private bind(link: ClientLink, sessionId: bigint): void {
    link.sessionId = sessionId;
    this.sessionLinks.set(sessionId, link);
  }

  /** Expires sessions whose deadline passed (called every tick by a standalone shell). */
  expireSessions(): void {
    if (!this.writes.expiresSessions) return;
    for (const id of this.sessions.expired(this.options.clock.now())) {
      this.options.log?.('info', `expiring session 0x${id.toString(16)}`);
      this.stats.increment('stale_sessions_expired');
      this.writes.submit({ sessionId: id, cxid: 0, opcode: OpCode.closeSession, body: new Uint8Array(0), authIds: [] });
    }
  }

  /** ContainerManager's removal of an empty container or expired TTL node: a write with no session. */
  removeContainer(path: string): void {
    const w = new JuteWriter(16 + path.length);
    DeleteRequest.write(w, { path, version: -1 });
    this.writes.submit({ sessionId: 0n, cxid: 0, opcode: OpCode.deleteContainer, body: w.toBuffer(), authIds: [] });
  }

  /**
   * A quorum member stops or starts serving. Stopping closes every client connection (they
   * reconnect elsewhere) and drops what was held for txns that will never be committed now.
   */
  setServing(serving: boolean, reason: string): void {
    this.servingClients = serving;
    if (serving) return;
    for (const link of [...this.links.values()]) link.close(reason);
    for (const pending of this.pendingHandshakes.values()) pending.answer(undefined);
    this.pendingHandshakes.clear();
    this.pendingWrites.clear();
    this.orphans.clear();
    this.egress = new DurableEgress();
  }

  // --- the write path's reports -------------------------------------------------------------

  private applied(entry: TxnEntry, result: ApplyResult): void {
    const { clientId, cxid, type } = entry.header;
    this.counters.txns++;
    const key = writeKey(clientId, cxid);
    const pending = this.pendingWrites.get(key);
    if (pending !== undefined) this.pendingWrites.delete(key);
    this.orphans.settle(clientId, key);
    // What this txn's reply and events reveal is the tree up to its zxid (a quorum leader may
    // already have later txns applied, not yet committed).
    const barrier = result.zxid;
    if (type === OpCode.createSession) {
      this.deliver(result.notifications, barrier);
      const handshake = this.pendingHandshakes.get(clientId);
      if (handshake === undefined) return;
      this.pendingHandshakes.delete(clientId);
      handshake.answer(this.links.has(handshake.link.id) ? { timeOut: handshake.timeOut, sessionId: clientId, passwd: sessionPassword(clientId), barrier } : undefined);
      return;
    }
    if (type === OpCode.closeSession) {
      // Its ephemerals went with their events; then the close is answered and the connection ends.
      this.deliver(result.notifications, barrier);
      this.sessions.remove(clientId);
      if (pending !== undefined) this.answerWrite(pending, cxid, replyFrame(cxid, result.zxid, ErrorCode.OK), barrier);
      const link = this.sessionLinks.get(clientId);
      if (link !== undefined) {
        this.sessionLinks.delete(clientId);
        this.egress.emit(() => link.close('session closed'), barrier);
      }
      return;
    }
    if (pending !== undefined) this.answerWrite(pending, cxid, replyFrame(cxid, result.zxid, result.err, writeReplyBody(pending.opcode, result)), barrier);
    this.deliver(result.notifications, barrier);
  }

  private answerWrite(pending: PendingWrite, xid: number, frame: Buffer, barrier: bigint): void {
    const order = this.orders.get(pending.link.id);
    if (order === undefined) return;
    order.complete(pending.slot, () => {
      this.send(pending.link, frame, barrier);
      this.requestDone(pending.link, xid, pending.opcode, pending.startedAt);
    });
  }

  /** The write was not taken: its client reconnects elsewhere, as a ZooKeeper client does on connection loss. */
  private refused(write: SubmittedWrite, reason: string): void {
    this.pendingWrites.delete(writeKey(write.sessionId, write.cxid));
    this.orphans.settle(write.sessionId, writeKey(write.sessionId, write.cxid));
    const handshake = write.opcode === OpCode.createSession ? this.pendingHandshakes.get(write.sessionId) : undefined;
    if (handshake !== undefined) {
      this.pendingHandshakes.delete(write.sessionId);
      this.sessions.remove(write.sessionId);
      handshake.link.close(`session not created: ${reason}`);
      handshake.answer(undefined);
      return;
    }
    const link = this.sessionLinks.get(write.sessionId);
    if (link !== undefined) {
      this.options.log?.('info', `closing ${link.remoteAddress} session 0x${write.sessionId.toString(16)}: write refused (${reason})`);
      link.close(`write refused: ${reason}`);
    }
  }

  /** A write path that reveals txns only once they are durable/committed reports it here. */
  markDurable(zxid: bigint): void {
    this.egress.markDurable(zxid);
  }

  /** Output from now on reveals txn `zxid` (a quorum leader's speculative txns). */
  markLogged(zxid: bigint): void {
    this.egress.markLogged(zxid);
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

  private orderOf(link: ClientLink): RequestOrder {
    let order = this.orders.get(link.id);
    if (order === undefined) {
      order = new RequestOrder();
      this.orders.set(link.id, order);
    }
    return order;
  }

  /**
   * One request after the handshake. A body that does not decode is answered MARSHALLINGERROR
   * and the connection stays open, as in ZooKeeper; only a bad auth packet throws.
   */
  request(link: ClientLink, xid: number, opcode: number, reader: JuteReader): void {
    this.counters.packetsReceived++;
    const now = this.options.clock.now();
    this.sessions.touch(link.sessionId, now);
    const session = this.sessions.get(link.sessionId);
    if (session !== undefined) this.writes.touch(link.sessionId, session.timeoutMs);
    if (xid === Xid.auth || opcode === OpCode.auth) {
      this.auth(link, xid, reader);
      return;
    }
    const startedAt = performance.now();
    if (opcode === OpCode.ping) {
      // Answered at xid -2 whatever xid the client used, without waiting for the session's writes.
      this.send(link, replyFrame(Xid.ping, this.tree.lastProcessedZxid, ErrorCode.OK));
      this.requestDone(link, xid, opcode, startedAt);
      return;
    }
    const order = this.orderOf(link);
    if (WRITE_OPCODES.has(opcode) || opcode === OpCode.closeSession) {
      const slot = order.reserve();
      const cxid = xid;
      this.pendingWrites.set(writeKey(link.sessionId, cxid), { link, opcode, slot, startedAt });
      if (opcode === OpCode.closeSession) this.sessions.setClosing(link.sessionId);
      this.writes.submit({ sessionId: link.sessionId, cxid, opcode, body: Buffer.from(reader.rest()), authIds: [...link.authIds] });
      return;
    }
    if (opcode === OpCode.sync) {
      this.syncRequest(link, xid, reader, order, startedAt);
      return;
    }
    order.run(() => this.read(link, xid, opcode, reader, startedAt));
  }

  /** sync: a round trip through the leader in a quorum, then the path is echoed. */
  private syncRequest(link: ClientLink, xid: number, reader: JuteReader, order: RequestOrder, startedAt: number): void {
    let path: string;
    try {
      path = SyncRequest.read(reader).path;
    } catch (err) {
      if (!(err instanceof MarshallingError)) throw err;
      order.run(() => this.rejectUndecodable(link, xid, OpCode.sync));
      return;
    }
    const slot = order.reserve();
    this.writes.sync(() => {
      order.complete(slot, () => {
        this.send(link, replyFrame(xid, this.tree.lastProcessedZxid, ErrorCode.OK, (w) => SyncResponse.write(w, { path })));
        this.requestDone(link, xid, OpCode.sync, startedAt);
      });
    });
  }

  private read(link: ClientLink, xid: number, opcode: number, reader: JuteReader, startedAt: number): void {
    if (!this.links.has(link.id)) return;
    try {
      answerRead(this.readDesk, link, xid, opcode, reader);
      this.requestDone(link, xid, opcode, startedAt);
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

  private requestDone(link: ClientLink, xid: number, opcode: number, startedAt: number): void {
    const latencyMs = performance.now() - startedAt;
    this.stats.requestDone(requestKind(opcode), latencyMs);
    link.stats?.responded(lastOperationName(opcode), xid, this.tree.lastProcessedZxid, latencyMs, this.options.clock.now());
  }

  /** ZooKeeper's answer to a read whose body does not decode: a multiRead reply carries an empty result list, and nothing closes. */
  private rejectUndecodable(link: ClientLink, xid: number, opcode: number): void {
    const w = new JuteWriter(32);
    ReplyHeader.write(w, { xid, zxid: this.tree.lastProcessedZxid, err: ErrorCode.MARSHALLINGERROR });
    if (opcode === OpCode.multiRead) MultiResponse.write(w, []);
    this.send(link, w.toBuffer());
  }

  /** Replies waiting for the disk. */
  get outstandingReplies(): number {
    return this.egress.waiting;
  }

  /**
   * Sends a frame to a client once everything it may reveal is durable (committed, on a quorum
   * leader): by default everything logged so far; `barrier` narrows that to txns up to it.
   */
  reply(link: ClientLink, body: Buffer, barrier?: bigint): void {
    this.counters.packetsSent++;
    this.stats.responseSent(body.length);
    this.egress.emit(() => link.send(body), barrier);
  }

  /** Closes a connection after the output already produced for it has gone out. */
  closeAfterOutput(link: ClientLink, reason: string): void {
    this.egress.emit(() => link.close(reason));
  }

  /** Sends each notification to its connection if that connection may READ the node. */
  private deliver(notifications: readonly Notification[], barrier?: bigint): void {
    for (const n of notifications) {
      const link = this.links.get(n.watcher);
      if (link === undefined || !aclAllows(n.acl, Perms.READ, link.authIds)) continue;
      this.sendEvent(link, n.type, n.path, barrier);
    }
  }

  private notify(link: ClientLink, type: reads.CatchUpEvent['type'], path: string): void {
    const types = { NodeCreated: 1, NodeDeleted: 2, NodeDataChanged: 3, NodeChildrenChanged: 4 } as const;
    this.sendEvent(link, types[type], path);
  }

  private sendEvent(link: ClientLink, type: number, path: string, barrier?: bigint): void {
    const w = new JuteWriter(32 + path.length);
    // ZooKeeper 3.8 stamps notifications with zxid -1.
    ReplyHeader.write(w, { xid: Xid.notification, zxid: -1n, err: 0 });
    WatcherEvent.write(w, { type, state: SYNC_CONNECTED, path });
    this.counters.notificationsSent++;
    this.send(link, w.toBuffer(), barrier);
  }

  private send(link: ClientLink, body: Buffer, barrier?: bigint): void {
    this.reply(link, body, barrier);
  }
}
