import { ServerState, hex, type ClientWrite, type PeerCoreConfig, type PeerId, type QuorumMember } from '../../../quorum/core/types.js';
import type { ApplyResult } from '../../../server/apply.js';
import type { DataTree } from '../../../server/data-tree.js';
import { treeDigest } from '../../../server/persistence/digest.js';
import type { TxnEntry } from '../../../server/txn.js';
import { Checkers } from '../checkers.js';
import { fingerprint } from '../fingerprint.js';
import { Network } from '../network.js';
import { Random } from '../random.js';
import { Scheduler } from '../scheduler.js';
import { Trace } from '../trace.js';
import type { CoreFactory, Lineage } from '../types.js';
import { describeOp, encodeOp, type Op } from './ops.js';
import { defaultCoreFactory, ScriptedPeer, type ClientSink, type CrashOptions, type PeerEvent } from './peer.js';
import type { EventPredicate } from './points.js';

/**
 * A deterministic, hand-driven ensemble for scenario tests: virtual time, a fixed-latency
 * network that never drops on its own, disks whose fsyncs the test can delay or complete by
 * hand, and failpoints that crash (or do anything else) exactly at a protocol step. Nothing is
 * random: the same script gives the same run. The invariants of the randomized simulator
 * (../checkers.ts) run as it goes; `check()` adds the after-quiescence ones.
 */
export interface ClusterOptions {
  /** Participants (ids 1..size). Default 3. */
  readonly size?: number;
  /** Observers (ids after the participants). Default 0. */
  readonly observers?: number;
  readonly tickTimeMs?: number;
  readonly initLimit?: number;
  readonly syncLimit?: number;
  /** Time one fsync takes. Default 2 ms. */
  readonly fsyncMs?: number;
  /** One-way latency of quorum links and election datagrams. Default 1 ms. */
  readonly latencyMs?: number;
  /** How many recent txns a replica keeps for DIFF. */
  readonly committedLogSize?: number;
  readonly makeCore?: CoreFactory;
  /** Print the trace as it goes (debugging). */
  readonly echo?: boolean;
}

export type WriteStatus = 'pending' | 'acked' | 'refused' | 'indeterminate';

export interface WriteHandle {
  readonly origin: PeerId;
  readonly op: Op;
  readonly sessionId: bigint;
  readonly cxid: number;
  status: WriteStatus;
  zxid?: bigint;
  /** The reply's error code (0 = ok). */
  err?: number;
}

export interface Failpoint {
  readonly peer: PeerId | 'any';
  readonly when: (ev: PeerEvent, peer: ScriptedPeer) => boolean;
  /** Returning 'drop' on an `input` event discards that input (the peer never sees it). */
  readonly action: (ev: PeerEvent, peer: ScriptedPeer) => unknown;
  readonly once: boolean;
  fired: number;
  /** The event it last fired on. */
  event?: PeerEvent;
}

/** A client connection to one peer: a session id and a cxid counter. */
export class ScriptedClient {
  private nextCxid = 1;

  constructor(
    private readonly cluster: ScriptedCluster,
    readonly origin: PeerId,
    readonly sessionId: bigint,
  ) {}

  get name(): string {
    return `c${hex(this.sessionId)}`;
  }

  write(op: Op): WriteHandle {
    return this.cluster.submit(this, op, this.nextCxid++);
  }
}

export class ScriptedCluster implements ClientSink {
  readonly scheduler = new Scheduler();
  readonly peers = new Map<PeerId, ScriptedPeer>();
  readonly network: Network;
  readonly checkers: Checkers;
  readonly trace: Trace;
  readonly ids: readonly PeerId[];
  readonly participants: readonly PeerId[];
  readonly writes: WriteHandle[] = [];
  private readonly failpoints: Failpoint[] = [];
  private readonly pending = new Map<string, WriteHandle>();
  private readonly defaultClients = new Map<PeerId, { client: ScriptedClient; created: WriteHandle }>();
  private clientCounter = 0;

  constructor(readonly options: ClusterOptions = {}) {
    const size = options.size ?? 3;
    const observers = options.observers ?? 0;
    const members: QuorumMember[] = [];
    for (let i = 1; i <= size; i++) members.push({ id: i, role: 'participant' });
    for (let i = 1; i <= observers; i++) members.push({ id: size + i, role: 'observer' });
    this.ids = members.map((m) => m.id);
    this.participants = members.filter((m) => m.role === 'participant').map((m) => m.id);
    const echo = options.echo === true;
    const trace = new Trace(() => this.scheduler.nowMs, true);
    this.trace = trace;
    const addTrace = (line: string): void => {
      trace.add(line);
      if (echo) console.log(`t=${this.scheduler.nowMs}ms ${line}`);
    };
    this.checkers = new Checkers(
      () => this.scheduler.nowMs,
      this.participants,
      (peer, zxid, fp) => this.peer(peer).disk.hasDurable(zxid, fp),
    );
    const latency = options.latencyMs ?? 1;
    this.network = new Network(
      this.scheduler,
      new Random(1),
      {
        electionDrop: 0,
        electionDelayMs: () => latency,
        linkLatencyMs: () => latency,
        packetJitterMs: () => 0,
        stallResetMs: () => 2_000,
        connectTimeoutMs: () => 500,
      },
      {
        isUp: (peer) => this.peers.get(peer)?.up ?? false,
        election: (to, from, notification) => this.peer(to).deliver({ kind: 'election', from, notification }),
        linkUp: (at, peer) => this.peer(at).deliver({ kind: 'linkUp', peer }),
        linkDown: (at, peer) => this.peer(at).deliver({ kind: 'linkDown', peer }),
        packet: (at, from, packet, snapshot, meta) =>
          this.peer(at).deliver(snapshot === undefined ? { kind: 'packet', from, packet } : { kind: 'packet', from, packet, snapshot }, meta as Lineage | undefined),
        trace: addTrace,
      },
    );
    const env = {
      scheduler: this.scheduler,
      network: this.network,
      checkers: this.checkers,
      clients: this as ClientSink,
      makeCore: options.makeCore ?? defaultCoreFactory,
      reloadMs: 1,
      trace: addTrace,
      failpoints: (peer: ScriptedPeer, ev: PeerEvent) => this.runFailpoints(peer, ev),
    };
    for (const m of members) {
      const config: PeerCoreConfig = {
        self: m.id,
        members,
        tickTimeMs: options.tickTimeMs ?? 100,
        initLimit: options.initLimit ?? 10,
        syncLimit: options.syncLimit ?? 5,
        minSessionTimeoutMs: 200,
        maxSessionTimeoutMs: 1_000_000_000,
        extendedTypesEnabled: false,
        ...(options.committedLogSize === undefined ? {} : { committedLogSize: options.committedLogSize }),
      };
      const peer = new ScriptedPeer(m.id, config, env);
      peer.disk.setFsync({ kind: 'auto', delayMs: options.fsyncMs ?? 2 });
      this.peers.set(m.id, peer);
    }
  }

  peer(id: PeerId): ScriptedPeer {
    const p = this.peers.get(id);
    if (p === undefined) throw new Error(`no peer ${id}`);
    return p;
  }

  get now(): number {
    return this.scheduler.nowMs;
  }

  log(line: string): void {
    this.trace.add(`--- ${line}`);
    if (this.options.echo === true) console.log(`t=${this.now}ms --- ${line}`);
  }

  // --- time --------------------------------------------------------------------------------

  /** Runs events until `until()` holds (true) or `maxMs` of virtual time pass (false). */
  run(until: () => boolean, maxMs: number): boolean {
    const deadline = this.scheduler.nowMs + maxMs;
    for (;;) {
      if (until()) return true;
      const t = this.scheduler.peekTime();
      if (t === undefined || t > deadline) {
        this.scheduler.runUntil(deadline);
        return until();
      }
      this.scheduler.step();
    }
  }

  /** Like run, but throws (with the trace's tail) if `until` never held. */
  runUntil(until: () => boolean, maxMs: number, what: string): void {
    if (!this.run(until, maxMs)) throw new Error(`${what}: not reached within ${maxMs}ms\n${this.traceTail()}`);
  }

  runFor(ms: number): void {
    this.run(() => false, ms);
  }

  // --- membership and roles ------------------------------------------------------------------

  startAll(): void {
    for (const id of this.ids) this.start(id);
  }

  /** (Re)starts a peer from its disk; false if recovery refused (the reason is in peer.refusedToStart). */
  start(id: PeerId): boolean {
    this.log(`start p${id}`);
    return this.peer(id).start();
  }

  restart(id: PeerId): boolean {
    return this.start(id);
  }

  crash(id: PeerId, options: CrashOptions = {}): void {
    this.peer(id).crash('by the script', options);
  }

  crashAll(options: CrashOptions = {}): void {
    for (const id of this.ids) this.crash(id, options);
  }

  pause(id: PeerId): void {
    this.peer(id).pause();
  }

  resume(id: PeerId): void {
    this.peer(id).resume();
  }

  /** Cuts `side` off from everyone else, both ways. */
  isolate(...side: PeerId[]): void {
    this.log(`isolate ${side.map((p) => `p${p}`).join(' ')}`);
    this.network.isolate(side, this.ids);
  }

  heal(): void {
    this.log('heal');
    this.network.healAll();
  }

  /** The peer leading in broadcast (serving), if exactly one does. */
  leader(): PeerId | undefined {
    const leading = this.ids.filter((id) => {
      const c = this.peers.get(id)?.core;
      return c !== undefined && c.state === ServerState.LEADING && c.phase === 'broadcast';
    });
    return leading.length === 1 ? leading[0] : undefined;
  }

  /** Waits for a serving leader and the given peers (default: every live one) serving. */
  awaitServing(maxMs = 10_000, ids: readonly PeerId[] = this.liveIds()): PeerId {
    this.runUntil(() => this.leader() !== undefined && ids.every((id) => this.peer(id).serving), maxMs, `serving ${ids.map((i) => `p${i}`).join(' ')}`);
    return this.leader() as PeerId;
  }

  followers(): PeerId[] {
    const l = this.leader();
    return this.liveIds().filter((id) => id !== l);
  }

  liveIds(): PeerId[] {
    return this.ids.filter((id) => this.peer(id).up);
  }

  // --- disks ---------------------------------------------------------------------------------

  /** fsync takes `ms` from now on; 'manual': only `fsync(id)` completes one. */
  fsyncDelay(id: PeerId, ms: number | 'manual'): void {
    this.peer(id).disk.setFsync(ms === 'manual' ? { kind: 'manual' } : { kind: 'auto', delayMs: ms });
  }

  /** Completes an fsync of everything `id` has written (failpoints on `fsync` run first). */
  fsync(id: PeerId): void {
    this.peer(id).disk.fsyncNow();
  }

  /** A plain snapshot of the peer's tree (as snapCount would trigger). */
  takeSnapshot(id: PeerId): bigint {
    const p = this.peer(id);
    const core = p.core;
    if (core === undefined) throw new Error(`p${id} is down`);
    const zxid = p.disk.takeSnapshot(core.tree, core.sessions, p.lineage);
    this.log(`p${id} snapshot at ${hex(zxid)}`);
    return zxid;
  }

  // --- failpoints ----------------------------------------------------------------------------

  /** Runs `action` when `when` holds for a step of `peer` (once, unless `once: false`). */
  on(peer: PeerId | 'any', when: (ev: PeerEvent, peer: ScriptedPeer) => boolean, action: (ev: PeerEvent, peer: ScriptedPeer) => unknown, once = true): Failpoint {
    const fp: Failpoint = { peer, when, action, once, fired: 0 };
    this.failpoints.push(fp);
    return fp;
  }

  /** Crashes `peer` at the step where `when` first holds. */
  crashWhen(peer: PeerId | 'any', when: EventPredicate, options: CrashOptions = {}, label = 'failpoint'): Failpoint {
    return this.on(peer, when, (ev, p) => p.crash(`${label} (${describeEvent(ev)})`, options));
  }

  clearFailpoints(): void {
    this.failpoints.length = 0;
  }

  /**
   * Discards the inputs of `peer` that match `when` (once, unless `once: false`): a message the
   * sender's state says it sent but the receiver never sees, as a buggy sender would produce.
   */
  dropWhen(peer: PeerId, when: EventPredicate, once = true): Failpoint {
    return this.on(peer, (ev) => ev.kind === 'input' && when(ev), () => 'drop', once);
  }

  private runFailpoints(peer: ScriptedPeer, ev: PeerEvent): boolean {
    let drop = false;
    if (this.failpoints.length === 0) return drop;
    for (const fp of [...this.failpoints]) {
      if (!peer.up) return drop;
      if (fp.peer !== 'any' && fp.peer !== peer.id) continue;
      if (fp.once && fp.fired > 0) continue;
      if (!fp.when(ev, peer)) continue;
      fp.fired++;
      fp.event = ev;
      if (fp.once) this.failpoints.splice(this.failpoints.indexOf(fp), 1);
      if (fp.action(ev, peer) === 'drop' && ev.kind === 'input') drop = true;
    }
    return drop;
  }

  // --- clients -------------------------------------------------------------------------------

  /** A new client connection to `origin` (its session id is allocated as SessionTracker would). */
  client(origin: PeerId): ScriptedClient {
    const id = (BigInt(origin & 0x7f) << 56n) | (0xc1n << 40n) | BigInt(++this.clientCounter);
    return new ScriptedClient(this, origin, id);
  }

  /** A client that opens a global session first (createSession through `origin`). */
  openSession(origin: PeerId, timeoutMs = 30_000): { client: ScriptedClient; created: WriteHandle } {
    const client = this.client(origin);
    return { client, created: client.write({ kind: 'createSession', timeoutMs }) };
  }

  /**
   * A write through `origin` on that peer's default connection. The connection opens a global
   * session first (createSession, pipelined with the write), and a new one whenever the last
   * createSession ended without an answer, so writes never come from a session the leader does
   * not know.
   */
  write(origin: PeerId, op: Op): WriteHandle {
    let d = this.defaultClients.get(origin);
    if (d === undefined || d.created.status === 'refused' || d.created.status === 'indeterminate') {
      const { client, created } = this.openSession(origin, DEFAULT_SESSION_TIMEOUT_MS);
      this.defaultClients.set(origin, (d = { client, created }));
    }
    return d.client.write(op);
  }

  /** @internal */
  submit(client: ScriptedClient, op: Op, cxid: number): WriteHandle {
    const h: WriteHandle = { origin: client.origin, op, sessionId: client.sessionId, cxid, status: 'pending' };
    this.writes.push(h);
    const peer = this.peer(client.origin);
    this.trace.add(`${client.name} → p${client.origin} ${describeOp(op)} cxid=${cxid}`);
    if (!peer.up) {
      h.status = 'refused';
      return h;
    }
    this.pending.set(key(client.origin, client.sessionId, cxid), h);
    const write: ClientWrite = encodeOp(op, client.sessionId, cxid);
    peer.deliver({ kind: 'touch', sessionId: client.sessionId, timeoutMs: 30_000 });
    peer.deliver({ kind: 'write', write });
    return h;
  }

  reply(peer: PeerId, entry: TxnEntry, result: ApplyResult): void {
    const k = key(peer, entry.header.clientId, entry.header.cxid);
    const h = this.pending.get(k);
    if (h === undefined) return;
    this.pending.delete(k);
    h.status = 'acked';
    h.zxid = entry.header.zxid;
    h.err = result.err;
    this.trace.add(`c${hex(h.sessionId)} ← p${peer} ${describeOp(h.op)} acked at ${hex(entry.header.zxid)}${result.err !== 0 ? ` err ${result.err}` : ''}`);
    this.checkers.onAck(`c${hex(h.sessionId)}`, peer, entry.header.zxid, fingerprint(entry));
  }

  refused(peer: PeerId, write: ClientWrite, _reason: string): void {
    const k = key(peer, write.sessionId, write.cxid);
    const h = this.pending.get(k);
    if (h === undefined) return;
    this.pending.delete(k);
    h.status = 'refused';
  }

  disconnected(peer: PeerId, _why: string): void {
    for (const [k, h] of this.pending) {
      if (h.origin !== peer) continue;
      h.status = 'indeterminate';
      this.pending.delete(k);
    }
  }

  acked(): WriteHandle[] {
    return this.writes.filter((w) => w.status === 'acked');
  }

  // --- state ---------------------------------------------------------------------------------

  tree(id: PeerId): DataTree {
    const core = this.peer(id).core;
    if (core === undefined) throw new Error(`p${id} is down`);
    return core.tree;
  }

  /** ZooKeeper's tree digest (DigestCalculator) of the peer's tree. */
  digest(id: PeerId): bigint {
    return treeDigest(this.tree(id).nodes);
  }

  /** The peer's znodes outside /zookeeper, path → data (UTF-8), sorted by path. */
  contents(id: PeerId): Map<string, string> {
    const out = new Map<string, string>();
    const nodes = [...this.tree(id).nodes].filter(([p]) => p !== '/' && p !== '/zookeeper' && !p.startsWith('/zookeeper/'));
    nodes.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [path, node] of nodes) out.set(path, Buffer.from(node.data ?? new Uint8Array(0)).toString('utf8'));
    return out;
  }

  /** Each live peer's contents, as `p1: /a=x /b=y` lines (for failure messages). */
  describe(): string {
    return this.ids
      .map((id) => {
        const p = this.peer(id);
        if (!p.up) return `p${id}: down${p.refusedToStart !== undefined ? ` (refused: ${p.refusedToStart})` : ''}`;
        const c = p.core as NonNullable<typeof p.core>;
        const all = [...this.contents(id)];
        const items = `${all.length} znodes: ${all
          .slice(0, 8)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}${all.length > 8 ? ' …' : ''}`;
        return `p${id}: ${stateNameOf(c.state)}/${c.phase} epoch ${c.currentEpoch} at ${hex(c.tree.lastProcessedZxid)} digest ${this.digest(id)} | ${items}`;
      })
      .join('\n');
  }

  /**
   * Quiescent: every peer up and not paused, one serving leader, every other peer serving, all
   * trees at the same zxid with nothing left to apply, nothing pending on a disk or a client.
   */
  quiescent(): boolean {
    const ps = [...this.peers.values()];
    if (ps.some((p) => !p.up || p.paused || !p.serving)) return false;
    if (this.leader() === undefined) return false;
    const zxids = ps.map((p) => (p.core as NonNullable<typeof p.core>).tree.lastProcessedZxid);
    const first = zxids[0] as bigint;
    if (zxids.some((z) => z !== first)) return false;
    if (ps.some((p) => (p.core as NonNullable<typeof p.core>).lastLoggedZxid !== first || p.disk.unsyncedBytes > 0)) return false;
    return this.pending.size === 0;
  }

  /** Runs until quiescent; throws with the trace's tail if it never gets there. */
  settle(maxMs = 20_000): void {
    if (!this.run(() => this.quiescent(), maxMs)) throw new Error(`no quiescence within ${maxMs}ms\n${this.describe()}\n${this.traceTail()}`);
  }

  /**
   * The invariants: those checked as the run went (one leader per epoch, committed prefixes
   * agree, monotonic zxids, acknowledged writes durable on a quorum when acknowledged) and, on
   * a quiescent ensemble, every acknowledged write present on every replica, equal digests,
   * sessions and histories, and ephemerals only for live sessions. Throws on any violation.
   */
  check(): void {
    const views = this.ids.map((id) => {
      const p = this.peer(id);
      const core = p.core as NonNullable<typeof p.core>;
      return { id, tree: core.tree, sessions: core.sessions, lineage: p.lineage, leading: core.state === ServerState.LEADING };
    });
    this.checkers.checkQuiescent(views);
    if (!this.checkers.ok) throw new Error(`invariant violations:\n${this.checkers.violations.join('\n')}\n${this.describe()}\n${this.traceTail()}`);
  }

  /** settle() then check(). */
  settleAndCheck(maxMs = 20_000): void {
    this.settle(maxMs);
    this.check();
  }

  traceTail(lines = 80): string {
    return this.trace.result().slice(-lines).join('\n');
  }

  /** Epochs for which some peer reached LEADING in synchronisation or broadcast, with who led. */
  leadersByEpoch(): Map<bigint, PeerId[]> {
    const out = new Map<bigint, PeerId[]>();
    for (const p of this.peers.values()) {
      for (const s of p.states) {
        if (s.state !== ServerState.LEADING || (s.phase !== 'synchronization' && s.phase !== 'broadcast')) continue;
        const list = out.get(s.epoch) ?? [];
        if (!list.includes(p.id)) list.push(p.id);
        out.set(s.epoch, list);
      }
    }
    return out;
  }
}

const key = (peer: PeerId, session: bigint, cxid: number): string => `${peer}/${session}/${cxid}`;

/** Default connections' sessions outlive any scenario (about 11 days of virtual time). */
const DEFAULT_SESSION_TIMEOUT_MS = 1_000_000_000;

const STATE_NAMES = ['LOOKING', 'FOLLOWING', 'LEADING', 'OBSERVING'];
const stateNameOf = (s: number): string => STATE_NAMES[s] ?? `state${s}`;

export function describeEvent(ev: PeerEvent): string {
  switch (ev.kind) {
    case 'input':
    case 'handled':
      return `${ev.kind === 'input' ? 'before handling' : 'after handling'} ${ev.input.kind === 'packet' ? `packet type ${ev.input.packet.type} ${hex(ev.input.packet.zxid)}` : ev.input.kind}`;
    case 'output':
    case 'executed': {
      const o = ev.output;
      const what = o.kind === 'send' ? `send type ${o.packet.type} ${hex(o.packet.zxid)}` : o.kind === 'writeEpoch' ? `writeEpoch ${o.which}=${o.epoch}` : o.kind === 'append' ? `append ${hex(o.entry.header.zxid)}` : o.kind;
      return `${ev.kind === 'output' ? 'before' : 'after'} ${what}`;
    }
    case 'fsync':
      return `before the fsync through ${hex(ev.zxid)}`;
  }
}
