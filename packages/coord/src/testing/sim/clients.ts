import { encode } from '../../jute/codec.js';
import { CreateMode, OpCode } from '../../jute/opcodes.js';
import type { ACL } from '../../jute/records/data.js';
import { CreateRequest, DeleteRequest, SetDataRequest } from '../../jute/records/requests.js';
import { hex, type ClientWrite, type PeerId } from '../../quorum/core/types.js';
import type { ApplyResult } from '../../server/apply.js';
import type { TxnEntry } from '../../server/txn.js';
import type { Checkers } from './checkers.js';
import { fingerprint, opName } from './fingerprint.js';
import type { ClientSide, PeerHost } from './peer-host.js';
import type { Random } from './random.js';
import type { Scheduler } from './scheduler.js';

/**
 * Simulated clients. Each connects to a serving peer, gets a session there (the peer allocates
 * the id, as SessionTracker does, and the client submits it as a createSession write), then
 * issues create / setData / delete writes (some ephemeral, some on shared paths so that they
 * conflict) with a few outstanding, pinging (`touch`) while idle. A write is acknowledged when
 * its reply leaves the peer it was sent to; `writeRefused`, `stopServing` or a crash of that
 * peer closes the connection and leaves its outstanding writes indeterminate; the client then
 * moves to another peer and revalidates its session there (or starts a new one if it expired).
 */
const OPEN_ACL: ACL[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

interface Outstanding {
  readonly cxid: number;
  readonly opcode: number;
  readonly path: string;
  readonly sentAtMs: number;
}

export interface ClientParams {
  readonly count: number;
  readonly maxOutstanding: number;
  readonly thinkMs: (rng: Random) => number;
  readonly sessionTimeoutMs: number;
  readonly linkLatencyMs: (rng: Random) => number;
  /** Keep sending writes after a closeSession, before its answer (a client ZooKeeper must refuse). */
  readonly writesAfterClose: boolean;
  /**
   * Chance per tick that a client freezes (a GC pause) for about a session timeout, keeping its
   * connection, and wakes up with an ephemeral create: it races the leader expiring its session.
   */
  readonly pauseChance: number;
}

class SimClient {
  session: bigint | undefined;
  peer: PeerId | undefined;
  phase: 'idle' | 'connecting' | 'creating' | 'revalidating' | 'active' = 'idle';
  /** Bumped on every disconnect, so messages in flight on an old connection are ignored. */
  conn = 0;
  nextCxid = 1;
  readonly outstanding = new Map<number, Outstanding>();
  readonly nodes: string[] = [];
  lastTouchMs = 0;
  created = 0;
  phaseSinceMs = 0;

  constructor(
    readonly index: number,
    readonly name: string,
  ) {}
}

export class SimClients implements ClientSide {
  private readonly clients: SimClient[] = [];
  private readonly bySession = new Map<bigint, SimClient>();
  /** No new writes (quiescence); pings go on. */
  quiet = false;
  stats = { acked: 0, indeterminate: 0, refused: 0, sessions: 0 };
  /** Earliest ack of a write sent at or after this time (liveness). */
  watchFromMs = Infinity;
  firstAckAfterWatchMs: number | undefined;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly rng: Random,
    private readonly params: ClientParams,
    private readonly hosts: ReadonlyMap<PeerId, PeerHost>,
    private readonly checkers: Checkers,
    private readonly trace: (line: string) => void,
  ) {
    for (let i = 0; i < params.count; i++) this.clients.push(new SimClient(i, `c${i + 1}`));
  }

  start(): void {
    for (const c of this.clients) this.scheduler.after(this.rng.int(0, 200), () => this.tick(c));
  }

  get pendingWrites(): number {
    let n = 0;
    for (const c of this.clients) n += c.outstanding.size;
    return n;
  }

  private tick(c: SimClient): void {
    const now = this.scheduler.nowMs;
    if (c.phase === 'active' && !this.quiet && this.rng.chance(this.params.pauseChance)) {
      const pauseMs = this.rng.int(Math.round(this.params.sessionTimeoutMs * 0.8), Math.round(this.params.sessionTimeoutMs * 1.4));
      this.trace(`${c.name} pauses for ${pauseMs}ms`);
      this.scheduler.after(pauseMs, () => {
        if (c.phase === 'active' && c.peer !== undefined) {
          this.trace(`${c.name} wakes up`);
          this.issue(c, this.hosts.get(c.peer) as PeerHost, true);
        }
        this.tick(c);
      });
      return;
    }
    this.scheduler.after(this.params.thinkMs(this.rng), () => this.tick(c));
    if (c.peer === undefined) {
      if (c.phase === 'idle') this.connect(c);
      return;
    }
    // A connection that answers nothing (a stalled or partitioned peer) times out, as a
    // ZooKeeper client's read timeout does.
    let oldest = c.phase === 'active' ? Infinity : c.phaseSinceMs;
    for (const o of c.outstanding.values()) oldest = Math.min(oldest, o.sentAtMs);
    if (now - oldest > this.params.sessionTimeoutMs * (2 / 3)) return this.disconnect(c, 'request timed out');
    if (c.phase !== 'active') return;
    const host = this.hosts.get(c.peer) as PeerHost;
    const closing = !this.params.writesAfterClose && [...c.outstanding.values()].some((o) => o.opcode === OpCode.closeSession);
    if (!this.quiet && !closing && c.outstanding.size < this.params.maxOutstanding && this.rng.chance(0.7)) {
      this.issue(c, host);
    } else if (now - c.lastTouchMs >= this.params.sessionTimeoutMs / 3) {
      this.touch(c, host);
    }
  }

  private serving(): PeerHost[] {
    return [...this.hosts.values()].filter((h) => h.up && h.serving);
  }

  private connect(c: SimClient): void {
    const candidates = this.serving();
    if (candidates.length === 0) return;
    const host = this.rng.pick(candidates);
    c.peer = host.id;
    c.phase = 'connecting';
    c.phaseSinceMs = this.scheduler.nowMs;
    const conn = ++c.conn;
    this.toPeer(c, conn, host, () => {
      if (!host.serving) return this.disconnect(c, 'not serving');
      c.lastTouchMs = this.scheduler.nowMs;
      if (c.session === undefined) {
        const sessionId = host.newSessionId();
        c.session = sessionId;
        c.phase = 'creating';
        this.bySession.set(sessionId, c);
        this.stats.sessions++;
        const body = Buffer.alloc(4);
        body.writeInt32BE(this.params.sessionTimeoutMs);
        this.submit(c, host, { sessionId, cxid: 0, opcode: OpCode.createSession, body, authIds: [] }, '');
      } else {
        c.phase = 'revalidating';
        this.trace(`${c.name} → p${host.id} revalidate ${hex(c.session)}`);
        host.deliver({ kind: 'revalidate', sessionId: c.session, timeoutMs: this.params.sessionTimeoutMs });
      }
    });
  }

  /** Runs `action` at the peer after the client link's latency, if the connection still stands. */
  private toPeer(c: SimClient, conn: number, host: PeerHost, action: () => void): void {
    this.scheduler.after(this.params.linkLatencyMs(this.rng), () => {
      if (c.conn !== conn) return;
      if (!host.up) return this.disconnect(c, `p${host.id} is down`);
      action();
    });
  }

  private touch(c: SimClient, host: PeerHost): void {
    const session = c.session;
    if (session === undefined) return;
    c.lastTouchMs = this.scheduler.nowMs;
    this.toPeer(c, c.conn, host, () => host.deliver({ kind: 'touch', sessionId: session, timeoutMs: this.params.sessionTimeoutMs }));
  }

  private issue(c: SimClient, host: PeerHost, ephemeralCreate = false): void {
    const session = c.session as bigint;
    const cxid = c.nextCxid++;
    const r = ephemeralCreate ? 0 : this.rng.float();
    const data = Buffer.from(`${c.name}:${cxid}`);
    let opcode: number;
    let body: Buffer;
    let path: string;
    if (r < 0.3 || c.nodes.length === 0) {
      const ephemeral = ephemeralCreate || this.rng.chance(0.35);
      path = `/${c.name}-${c.created++}`;
      opcode = OpCode.create;
      body = encode(CreateRequest, { path, data, acl: OPEN_ACL, flags: ephemeral ? CreateMode.EPHEMERAL : CreateMode.PERSISTENT });
    } else if (r < 0.55) {
      path = this.rng.pick(c.nodes);
      opcode = OpCode.setData;
      body = encode(SetDataRequest, { path, data, version: -1 });
    } else if (r < 0.7) {
      path = c.nodes.splice(this.rng.int(0, c.nodes.length - 1), 1)[0] as string;
      opcode = OpCode.delete;
      body = encode(DeleteRequest, { path, version: -1 });
    } else if (r < 0.8) {
      path = '/shared';
      opcode = OpCode.create;
      body = encode(CreateRequest, { path, data, acl: OPEN_ACL, flags: this.rng.chance(0.5) ? CreateMode.EPHEMERAL : CreateMode.PERSISTENT });
    } else if (r < 0.88) {
      path = '/shared';
      opcode = this.rng.chance(0.5) ? OpCode.setData : OpCode.delete;
      body = opcode === OpCode.setData ? encode(SetDataRequest, { path, data, version: -1 }) : encode(DeleteRequest, { path, version: -1 });
    } else if (r < 0.97) {
      path = '/q-';
      opcode = OpCode.create;
      body = encode(CreateRequest, { path, data, acl: OPEN_ACL, flags: CreateMode.EPHEMERAL_SEQUENTIAL });
    } else {
      path = '';
      opcode = OpCode.closeSession;
      body = Buffer.alloc(0);
    }
    this.submit(c, host, { sessionId: session, cxid, opcode, body, authIds: [] }, path);
  }

  private submit(c: SimClient, host: PeerHost, write: ClientWrite, path: string): void {
    c.outstanding.set(write.cxid, { cxid: write.cxid, opcode: write.opcode, path, sentAtMs: this.scheduler.nowMs });
    c.lastTouchMs = this.scheduler.nowMs;
    this.trace(`${c.name} → p${host.id} ${opName(write.opcode)}${path === '' ? '' : ` ${path}`} s=${hex(write.sessionId)} cxid=${write.cxid}`);
    this.toPeer(c, c.conn, host, () => {
      host.deliver({ kind: 'touch', sessionId: write.sessionId, timeoutMs: this.params.sessionTimeoutMs });
      host.deliver({ kind: 'write', write });
    });
  }

  private disconnect(c: SimClient, why: string): void {
    if (c.peer === undefined) return;
    if (c.outstanding.size > 0) {
      this.stats.indeterminate += c.outstanding.size;
      this.trace(`${c.name} leaves p${c.peer} (${why}): ${c.outstanding.size} writes indeterminate`);
      // An indeterminate createSession or closeSession: start afresh with a new session.
      for (const o of c.outstanding.values()) if (o.opcode === OpCode.createSession || o.opcode === OpCode.closeSession) this.forgetSession(c);
      c.outstanding.clear();
    } else {
      this.trace(`${c.name} leaves p${c.peer} (${why})`);
    }
    if (c.phase === 'creating') this.forgetSession(c);
    c.peer = undefined;
    c.conn++;
    c.phase = 'idle';
  }

  private forgetSession(c: SimClient): void {
    if (c.session !== undefined) this.bySession.delete(c.session);
    c.session = undefined;
    c.nodes.length = 0;
  }

  reply(peer: PeerId, entry: TxnEntry, result: ApplyResult): void {
    const c = this.bySession.get(entry.header.clientId);
    if (c === undefined || c.peer !== peer) return;
    const o = c.outstanding.get(entry.header.cxid);
    if (o === undefined) {
      // The leader expired this session: the server it is connected to closes its connection.
      if (entry.txn.type === OpCode.closeSession) {
        this.trace(`${c.name} ← p${peer} session ${hex(entry.header.clientId)} expired`);
        this.forgetSession(c);
        this.disconnect(c, 'session expired');
      }
      return;
    }
    c.outstanding.delete(o.cxid);
    const zxid = entry.header.zxid;
    this.stats.acked++;
    this.checkers.onAck(c.name, peer, zxid, fingerprint(entry));
    if (o.sentAtMs >= this.watchFromMs && this.firstAckAfterWatchMs === undefined) this.firstAckAfterWatchMs = this.scheduler.nowMs;
    this.trace(`${c.name} ← p${peer} ${opName(o.opcode)}${o.path === '' ? '' : ` ${o.path}`} ok at ${hex(zxid)}${result.err !== 0 ? ` (err ${result.err})` : ''}`);
    if (o.opcode === OpCode.createSession) {
      c.phase = 'active';
    } else if (o.opcode === OpCode.closeSession) {
      this.forgetSession(c);
      this.disconnect(c, 'session closed');
    } else if (o.opcode === OpCode.create && result.err === 0 && o.path !== '/shared' && o.path !== '/q-') {
      c.nodes.push(o.path);
    }
  }

  refused(peer: PeerId, write: ClientWrite, _reason: string): void {
    const c = this.bySession.get(write.sessionId);
    if (c === undefined || c.peer !== peer) return;
    this.stats.refused++;
    this.disconnect(c, 'write refused');
  }

  revalidated(peer: PeerId, sessionId: bigint, valid: boolean): void {
    const c = this.bySession.get(sessionId);
    if (c === undefined || c.peer !== peer || c.phase !== 'revalidating') return;
    this.trace(`${c.name} ← p${peer} session ${hex(sessionId)} ${valid ? 'valid' : 'expired'}`);
    if (valid) {
      c.phase = 'active';
      return;
    }
    this.forgetSession(c);
    this.disconnect(c, 'session expired');
  }

  stopServing(peer: PeerId): void {
    for (const c of this.clients) if (c.peer === peer) this.disconnect(c, `p${peer} stopped serving`);
  }
}
