import type { ElectionNotification, PeerId, QuorumPacket } from '../../quorum/core/types.js';
import type { Random } from './random.js';
import type { Scheduler, ScheduledEvent } from './scheduler.js';

/**
 * The simulated network between peers.
 *
 * Election notifications travel as datagrams: each may be dropped, and each gets its own delay,
 * so they reorder freely. Quorum links (learner ↔ leader) behave like TCP: a connection delivers
 * each direction's packets in order, never reordered or duplicated, with a per-connection base
 * latency plus jitter; a reset kills it (both ends that have not closed it get `linkDown`, bytes in
 * flight are lost). A connect succeeds only if the target is up and both directions are open;
 * otherwise the dialler gets `linkDown` (at once if refused, after a timeout if unreachable).
 * Partitions block directed pairs: a blocked direction of a connection stalls (its bytes wait)
 * and, if the partition has not healed by a random deadline, the connection resets, as TCP's
 * retransmission timeout would. At most one connection exists per pair of peers; a new dial
 * replaces the old one (the acceptor gets `linkDown` for the old before `linkUp` for the new).
 */
export interface NetworkSink {
  isUp(peer: PeerId): boolean;
  election(to: PeerId, from: PeerId, notification: ElectionNotification): void;
  linkUp(at: PeerId, peer: PeerId): void;
  linkDown(at: PeerId, peer: PeerId): void;
  packet(at: PeerId, from: PeerId, packet: QuorumPacket, snapshot: Uint8Array | undefined, meta: unknown): void;
  trace(line: string): void;
}

export interface NetworkParams {
  /** Probability an election datagram is lost. */
  electionDrop: number;
  /** Delay of one election datagram. */
  electionDelayMs: (rng: Random) => number;
  /** Base one-way latency of a new connection. */
  linkLatencyMs: (rng: Random) => number;
  /** Extra delay of one packet (kept FIFO within its direction). */
  packetJitterMs: (rng: Random) => number;
  /** How long a stalled connection survives before it resets. */
  stallResetMs: (rng: Random) => number;
  /** How long a dial to an unreachable peer takes to fail. */
  connectTimeoutMs: (rng: Random) => number;
}

interface InFlight {
  readonly packet: QuorumPacket;
  readonly snapshot: Uint8Array | undefined;
  readonly meta: unknown;
  readonly readyAt: number;
}

interface Direction {
  readonly from: PeerId;
  readonly to: PeerId;
  readonly queue: InFlight[];
  lastReadyAt: number;
  pump: ScheduledEvent | undefined;
  stalled: boolean;
}

export interface Connection {
  readonly id: number;
  readonly dialer: PeerId;
  readonly acceptor: PeerId;
  readonly latencyMs: number;
  alive: boolean;
  /** Ends that still hold the connection open (a local `disconnect` or a crash removes one). */
  readonly open: Set<PeerId>;
  readonly dirs: readonly [Direction, Direction];
  resetTimer: ScheduledEvent | undefined;
}

const pairKey = (a: PeerId, b: PeerId): string => (a < b ? `${a}-${b}` : `${b}-${a}`);

export class Network {
  private readonly blocked = new Set<string>();
  private readonly conns = new Map<string, Connection>();
  /**
   * Which connection each end was last told is up, per peer it leads to (`end>other`). Every end
   * sees a clean linkUp / linkDown alternation even when connections replace each other, since
   * the core knows its links only by peer id.
   */
  private readonly views = new Map<string, number>();
  private nextId = 1;
  stats = { datagramsSent: 0, datagramsDropped: 0, packetsSent: 0, packetsDelivered: 0, resets: 0 };

  constructor(
    private readonly scheduler: Scheduler,
    private readonly rng: Random,
    readonly params: NetworkParams,
    private readonly sink: NetworkSink,
  ) {}

  // ---- partitions ----

  reachable(from: PeerId, to: PeerId): boolean {
    return !this.blocked.has(`${from}>${to}`);
  }

  block(from: PeerId, to: PeerId): void {
    this.blocked.add(`${from}>${to}`);
  }

  /** Both directions between every member of `side` and every peer outside it. */
  isolate(side: readonly PeerId[], all: readonly PeerId[]): void {
    for (const a of side) {
      for (const b of all) {
        if (side.includes(b)) continue;
        this.block(a, b);
        this.block(b, a);
      }
    }
  }

  healAll(): void {
    this.blocked.clear();
    for (const c of this.conns.values()) for (const d of c.dirs) if (d.stalled) this.kick(c, d);
  }

  get partitioned(): boolean {
    return this.blocked.size > 0;
  }

  describePartition(): string {
    return [...this.blocked].sort().join(' ');
  }

  // ---- election datagrams ----

  sendElection(from: PeerId, to: PeerId, notification: ElectionNotification): void {
    this.stats.datagramsSent++;
    if (this.rng.chance(this.params.electionDrop) || !this.reachable(from, to)) {
      this.stats.datagramsDropped++;
      return;
    }
    this.scheduler.after(this.params.electionDelayMs(this.rng), () => {
      if (!this.reachable(from, to) || !this.sink.isUp(to)) return;
      this.sink.election(to, from, notification);
    });
  }

  // ---- quorum links ----

  connection(a: PeerId, b: PeerId): Connection | undefined {
    const c = this.conns.get(pairKey(a, b));
    return c !== undefined && c.alive ? c : undefined;
  }

  connections(): Connection[] {
    return [...this.conns.values()].filter((c) => c.alive);
  }

  /** `dialer` dials `acceptor`'s quorum port. */
  connect(dialer: PeerId, acceptor: PeerId): void {
    const latency = this.params.linkLatencyMs(this.rng);
    const reachable = this.reachable(dialer, acceptor) && this.reachable(acceptor, dialer);
    if (!reachable) {
      this.scheduler.after(this.params.connectTimeoutMs(this.rng), () => this.failDial(dialer, acceptor, 'timed out'));
      return;
    }
    this.scheduler.after(latency, () => {
      if (!this.sink.isUp(dialer)) return;
      if (!this.sink.isUp(acceptor)) return this.failDial(dialer, acceptor, 'refused');
      if (!this.reachable(dialer, acceptor) || !this.reachable(acceptor, dialer)) return this.failDial(dialer, acceptor, 'lost in a partition');
      const old = this.conns.get(pairKey(dialer, acceptor));
      if (old !== undefined && old.alive) this.kill(old, 'replaced by a new dial', dialer);
      const conn = this.open(dialer, acceptor, latency);
      this.sink.trace(`link#${conn.id} p${dialer} → p${acceptor} up`);
      // The acceptor learns of it when the handshake's last ACK lands, the dialer at once; the
      // acceptor's event is scheduled first so that it precedes the dialer's first bytes.
      this.scheduler.after(latency, () => {
        if (conn.alive && conn.open.has(acceptor) && this.sink.isUp(acceptor)) this.up(acceptor, dialer, conn);
      });
      this.up(dialer, acceptor, conn);
    });
  }

  private failDial(dialer: PeerId, acceptor: PeerId, why: string): void {
    if (!this.sink.isUp(dialer)) return;
    this.sink.trace(`dial p${dialer} → p${acceptor} ${why}`);
    this.sink.linkDown(dialer, acceptor);
  }

  private open(dialer: PeerId, acceptor: PeerId, latencyMs: number): Connection {
    const dir = (from: PeerId, to: PeerId): Direction => ({ from, to, queue: [], lastReadyAt: 0, pump: undefined, stalled: false });
    const conn: Connection = {
      id: this.nextId++,
      dialer,
      acceptor,
      latencyMs,
      alive: true,
      open: new Set([dialer, acceptor]),
      dirs: [dir(dialer, acceptor), dir(acceptor, dialer)],
      resetTimer: undefined,
    };
    this.conns.set(pairKey(dialer, acceptor), conn);
    return conn;
  }

  /** Sends on the connection between `from` and `to`; false (and nothing sent) if `from` has none. */
  send(from: PeerId, to: PeerId, packet: QuorumPacket, snapshot: Uint8Array | undefined, meta: unknown): boolean {
    // Only on the connection `from` was told is up: a peer that has not yet heard that its link
    // was replaced still writes to the old socket, and those bytes go nowhere.
    const conn = this.connection(from, to);
    if (conn === undefined || !conn.open.has(from) || this.views.get(`${from}>${to}`) !== conn.id) return false;
    const d = conn.dirs[conn.dialer === from ? 0 : 1];
    const readyAt = Math.max(d.lastReadyAt, this.scheduler.nowMs + conn.latencyMs + this.params.packetJitterMs(this.rng));
    d.lastReadyAt = readyAt;
    d.queue.push({ packet, snapshot, meta, readyAt });
    this.stats.packetsSent++;
    if (d.pump === undefined && !d.stalled) d.pump = this.scheduler.at(readyAt, () => this.pump(conn, d));
    return true;
  }

  private pump(conn: Connection, d: Direction): void {
    d.pump = undefined;
    if (!conn.alive) return;
    if (!this.reachable(d.from, d.to)) {
      d.stalled = true;
      if (conn.resetTimer === undefined) {
        conn.resetTimer = this.scheduler.after(this.params.stallResetMs(this.rng), () => {
          conn.resetTimer = undefined;
          if (conn.alive && conn.dirs.some((x) => x.stalled)) this.kill(conn, 'reset after a stall');
        });
      }
      return;
    }
    const head = d.queue.shift();
    if (head === undefined) return;
    if (conn.open.has(d.to) && this.sink.isUp(d.to) && this.views.get(`${d.to}>${d.from}`) === conn.id) {
      this.stats.packetsDelivered++;
      this.sink.packet(d.to, d.from, head.packet, head.snapshot, head.meta);
    }
    const next = d.queue[0];
    if (next !== undefined && conn.alive && d.pump === undefined) d.pump = this.scheduler.at(next.readyAt, () => this.pump(conn, d));
  }

  private kick(conn: Connection, d: Direction): void {
    d.stalled = false;
    if (!conn.dirs.some((x) => x.stalled) && conn.resetTimer !== undefined) {
      conn.resetTimer.cancelled = true;
      conn.resetTimer = undefined;
    }
    if (d.queue.length > 0 && d.pump === undefined) {
      const at = this.scheduler.nowMs + conn.latencyMs;
      d.pump = this.scheduler.at(at, () => this.pump(conn, d));
    }
  }

  /** `peer` closes its end (no linkDown to it); the other end sees the FIN after the latency. */
  close(peer: PeerId, other: PeerId): void {
    const conn = this.connection(peer, other);
    if (conn === undefined || !conn.open.has(peer)) return;
    conn.open.delete(peer);
    this.sink.trace(`link#${conn.id} closed by p${peer}`);
    this.kill(conn, `closed by p${peer}`, peer);
  }

  /** A reset fault on a random live connection. */
  resetRandom(): Connection | undefined {
    const live = this.connections();
    if (live.length === 0) return undefined;
    const c = this.rng.pick(live);
    this.stats.resets++;
    this.kill(c, 'reset');
    return c;
  }

  /**
   * `peer` crashed. A killed process's kernel closes its sockets, so the far end hears of it
   * after the latency; with `silent` (a machine that lost power) nobody tells the far end, which
   * finds out when TCP's retransmission timeout gives up.
   */
  crash(peer: PeerId, silent: boolean): void {
    for (const key of [...this.views.keys()]) if (key.startsWith(`${peer}>`)) this.views.delete(key);
    for (const c of this.conns.values()) {
      if (!c.alive || (c.dialer !== peer && c.acceptor !== peer)) continue;
      c.open.delete(peer);
      if (silent) {
        const other = c.dialer === peer ? c.acceptor : c.dialer;
        for (const d of c.dirs) d.queue.length = 0;
        this.scheduler.after(this.params.stallResetMs(this.rng), () => {
          if (c.alive) this.kill(c, `p${other}'s retransmissions to crashed p${peer} timed out`);
        });
      } else {
        this.kill(c, `p${peer} crashed`);
      }
    }
  }

  private kill(conn: Connection, why: string, quietEnd?: PeerId): void {
    if (!conn.alive) return;
    conn.alive = false;
    if (conn.resetTimer !== undefined) conn.resetTimer.cancelled = true;
    for (const d of conn.dirs) {
      d.queue.length = 0;
      if (d.pump !== undefined) d.pump.cancelled = true;
    }
    this.sink.trace(`link#${conn.id} p${conn.dialer} ↔ p${conn.acceptor} down: ${why}`);
    for (const end of [conn.dialer, conn.acceptor]) {
      const other = end === conn.dialer ? conn.acceptor : conn.dialer;
      if (end === quietEnd || !conn.open.has(end)) {
        if (this.views.get(`${end}>${other}`) === conn.id) this.views.delete(`${end}>${other}`);
        continue;
      }
      conn.open.delete(end);
      // A replaced connection's end hears of it before the new one comes up; others after the latency.
      this.scheduler.after(why.startsWith('replaced') ? 0 : conn.latencyMs, () => this.down(end, other, conn));
    }
  }

  private up(end: PeerId, other: PeerId, conn: Connection): void {
    const key = `${end}>${other}`;
    const seen = this.views.get(key);
    if (seen !== undefined && seen !== conn.id) this.sink.linkDown(end, other);
    this.views.set(key, conn.id);
    this.sink.linkUp(end, other);
  }

  private down(end: PeerId, other: PeerId, conn: Connection): void {
    const key = `${end}>${other}`;
    if (this.views.get(key) !== conn.id) return;
    this.views.delete(key);
    if (this.sink.isUp(end)) this.sink.linkDown(end, other);
  }
}
