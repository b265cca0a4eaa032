import { ServerState, hex, type PeerCoreConfig, type PeerId, type QuorumMember } from '../../quorum/core/types.js';
import { Checkers } from './checkers.js';
import { SimClients } from './clients.js';
import { chooseProfile, describeProfile, FaultInjector, type FaultKind, type FaultProfile } from './faults.js';
import { Network } from './network.js';
import { PeerHost, stateName, type HostEnv } from './peer-host.js';
import { Random } from './random.js';
import { Scheduler } from './scheduler.js';
import { Trace } from './trace.js';
import type { CoreFactory, Lineage } from './types.js';

/**
 * One seed, start to end: boot the ensemble, run clients under the seed's faults for the fault
 * phase, heal everything, demand a committed write within the liveness bound, let the ensemble
 * quiesce and run the end checks. The same seed and options give the same trace, line for line.
 */
export interface SimOptions {
  readonly makeCore: CoreFactory;
  readonly peers?: number;
  readonly observers?: number;
  /** 'full' keeps every trace line (replays); 'tail' the last few hundred (bulk runs). */
  readonly trace?: 'full' | 'tail';
  /** Fault kinds to use: 'swarm' (default) draws a random subset per seed; 'none' runs fault-free. */
  readonly faults?: 'swarm' | 'none' | readonly FaultKind[];
  readonly clients?: number;
  readonly faultPhaseMs?: number;
  readonly livenessBoundMs?: number;
  readonly quiesceBoundMs?: number;
  readonly maxSteps?: number;
  /** Overrides the committed-log size the seed draws (8 forces SNAP syncs, 500 mostly DIFFs). */
  readonly committedLogSize?: number;
  /** Called at the end with the peers (for tests and debugging). */
  readonly inspect?: (hosts: ReadonlyMap<PeerId, PeerHost>) => void;
}

export interface SeedStats {
  steps: number;
  virtualMs: number;
  writesAcked: number;
  indeterminate: number;
  leaderChanges: number;
  crashes: number;
  packets: number;
  fsyncs: number;
  profile: string;
}

export interface SeedResult {
  readonly seed: number;
  readonly violations: string[];
  readonly trace: string[];
  readonly stats: SeedStats;
}

export const TICK_TIME_MS = 200;
export const SESSION_TIMEOUT_MS = 4_000;

export function runSeed(seed: number, options: SimOptions): SeedResult {
  const rng = new Random(seed);
  const scheduler = new Scheduler();
  const trace = new Trace(() => scheduler.nowMs, options.trace === 'full');
  const peers = options.peers ?? 3;
  const observers = options.observers ?? 0;
  const ids: PeerId[] = [];
  for (let i = 1; i <= peers + observers; i++) ids.push(i);
  const members: QuorumMember[] = ids.map((id) => ({ id, role: id <= peers ? 'participant' : 'observer' }));
  const participants = ids.filter((id) => id <= peers);

  const profile: FaultProfile =
    options.faults === 'none'
      ? { enabled: new Set(), faultPhaseMs: options.faultPhaseMs ?? 5_000, meanGapMs: 1_000, electionDrop: 0, crashPointRate: 0 }
      : { ...chooseProfile(rng, options.faults === 'swarm' || options.faults === undefined ? undefined : options.faults), ...(options.faultPhaseMs !== undefined ? { faultPhaseMs: options.faultPhaseMs } : {}) };
  // Knobs the swarm also varies: a short committed log forces SNAP syncs, a long one DIFFs.
  const drawnLogSize = rng.pick([8, 50, 500]);
  const committedLogSize = options.committedLogSize ?? drawnLogSize;
  const maxNotificationIntervalMs = rng.pick([800, 2_000, 4_000]);

  const hosts = new Map<PeerId, PeerHost>();
  const checkers = new Checkers(
    () => scheduler.nowMs,
    participants,
    (p, zxid, fp) => hosts.get(p)?.disk.hasDurable(zxid, fp) ?? false,
  );
  // The injector is built last (it needs the hosts); links and disks read its conditions.
  const faults: { injector?: FaultInjector } = {};
  const conditions = () => faults.injector?.conditions ?? { spike: false, slowFsync: false, faultsOn: false };
  const reorder = profile.enabled.has('reorder');

  const network = new Network(
    scheduler,
    rng,
    {
      electionDrop: profile.electionDrop,
      electionDelayMs: (r) => (reorder ? r.int(1, 120) : r.int(1, 5)) + (conditions().spike ? r.int(0, 400) : 0),
      linkLatencyMs: (r) => r.int(1, 4),
      packetJitterMs: (r) => (conditions().spike ? r.int(0, 300) : r.int(0, 2)),
      stallResetMs: (r) => r.int(2_000, 15_000),
      connectTimeoutMs: (r) => r.int(300, 3_000),
    },
    {
      isUp: (p) => hosts.get(p)?.up ?? false,
      election: (to, from, notification) => hosts.get(to)?.deliver({ kind: 'election', from, notification }),
      linkUp: (at, peer) => {
        trace.add(`p${at} linkUp p${peer}`);
        hosts.get(at)?.deliver({ kind: 'linkUp', peer });
      },
      linkDown: (at, peer) => {
        trace.add(`p${at} linkDown p${peer}`);
        hosts.get(at)?.deliver({ kind: 'linkDown', peer });
      },
      packet: (at, from, packet, snapshot, meta) =>
        hosts.get(at)?.deliver(snapshot === undefined ? { kind: 'packet', from, packet } : { kind: 'packet', from, packet, snapshot }, meta as Lineage | undefined),
      trace: (line) => trace.add(line),
    },
  );

  const clientCount = options.clients ?? rng.int(2, 5);
  const maxOutstanding = rng.int(1, 3);
  const writesAfterClose = rng.chance(0.5);
  const clients = new SimClients(
    scheduler,
    rng,
    {
      count: clientCount,
      maxOutstanding,
      thinkMs: (r) => r.int(10, 120),
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
      linkLatencyMs: (r) => r.int(1, 3),
      writesAfterClose,
      pauseChance: rng.pick([0, 0, 0.002, 0.01]),
    },
    hosts,
    checkers,
    (line) => trace.add(line),
  );

  const env: HostEnv = {
    scheduler,
    rng,
    network,
    checkers,
    clients,
    makeCore: options.makeCore,
    diskParams: { fsyncMs: (r) => (conditions().slowFsync ? r.int(10, 400) : r.int(1, 6)) },
    trace: (line) => trace.add(line),
    crashPoint: (host, out) => faults.injector?.crashPoint(host, out) ?? false,
    crashMode: () => faults.injector?.crashMode() ?? { keepPageCache: 'none', tornProbability: 0, silent: false },
    reloadDelayMs: () => rng.int(1, 20),
  };
  for (const id of ids) {
    const config: PeerCoreConfig = {
      self: id,
      members,
      tickTimeMs: TICK_TIME_MS,
      initLimit: 10,
      syncLimit: 5,
      minSessionTimeoutMs: 2 * TICK_TIME_MS,
      maxSessionTimeoutMs: 20 * TICK_TIME_MS,
      extendedTypesEnabled: false,
      finalizeWaitMs: 200,
      minNotificationIntervalMs: 200,
      maxNotificationIntervalMs,
      committedLogSize,
    };
    hosts.set(id, new PeerHost(id, config, env));
  }
  const leader = (): PeerHost | undefined => {
    let best: PeerHost | undefined;
    for (const h of hosts.values()) if (h.core?.state === ServerState.LEADING && (best === undefined || (best.core?.currentEpoch ?? 0n) < h.core.currentEpoch)) best = h;
    return best;
  };
  const injector = new FaultInjector(scheduler, rng, profile, {
    hosts,
    network,
    leader: () => leader()?.id,
    crash: (p, why) => hosts.get(p)?.crash(why),
    restart: (p) => hosts.get(p)?.start(),
    trace: (line) => trace.add(line),
  });
  faults.injector = injector;

  trace.add(`seed ${seed}: ${participants.length} participants${observers > 0 ? ` + ${observers} observers` : ''}, ${describeProfile(profile)}, committedLogSize ${committedLogSize}, ${clientCount} clients with up to ${maxOutstanding} writes outstanding${writesAfterClose ? ', writing after closeSession' : ''}`);
  for (const h of hosts.values()) scheduler.after(rng.int(0, 100), () => h.start());
  clients.start();
  if (options.faults !== 'none') injector.start();
  else injector.conditions.faultsOn = false;

  const maxSteps = options.maxSteps ?? 3_000_000;
  const keepGoing = (): boolean => checkers.ok && scheduler.steps < maxSteps;
  const budgetCheck = (): void => {
    if (scheduler.steps >= maxSteps) checkers.violation(`step budget of ${maxSteps} exhausted (a livelock?)`);
  };

  // 1. Fault phase.
  scheduler.runUntil(profile.faultPhaseMs, keepGoing);
  // 2. Heal; liveness: a write sent from now on must be acknowledged within the bound.
  if (checkers.ok) {
    injector.stop();
    network.params.electionDrop = 0;
    const healAt = scheduler.nowMs;
    clients.watchFromMs = healAt;
    const bound = options.livenessBoundMs ?? 30_000;
    scheduler.runUntil(healAt + bound, () => keepGoing() && clients.firstAckAfterWatchMs === undefined);
    budgetCheck();
    if (checkers.ok && clients.firstAckAfterWatchMs === undefined) {
      checkers.violation(`liveness: no write committed within ${bound}ms after the faults healed (${status(hosts)})`);
    } else if (clients.firstAckAfterWatchMs !== undefined) {
      trace.add(`liveness: first write after heal acknowledged ${clients.firstAckAfterWatchMs - healAt}ms after heal`);
    }
  }
  // 3. Quiescence and the end checks.
  if (checkers.ok) {
    clients.quiet = true;
    const until = scheduler.nowMs + (options.quiesceBoundMs ?? 20_000);
    let settled = false;
    while (!settled && scheduler.nowMs < until && keepGoing()) {
      scheduler.runUntil(scheduler.nowMs + 50, keepGoing);
      settled = quiescent(hosts) && clients.pendingWrites === 0;
    }
    budgetCheck();
    if (checkers.ok && !settled) checkers.violation(`no quiescence within ${options.quiesceBoundMs ?? 20_000}ms: ${status(hosts)}`);
    if (settled) {
      trace.add(`quiescent: ${status(hosts)}`);
      const replicas = [...hosts.values()].map((h) => {
        const core = h.core as NonNullable<PeerHost['core']>;
        return { id: h.id, tree: core.tree, sessions: core.sessions, lineage: h.lineage, leading: core.state === ServerState.LEADING };
      });
      checkers.checkQuiescent(replicas);
    }
  }
  options.inspect?.(hosts);
  for (const v of checkers.violations) trace.add(`VIOLATION ${v}`);
  return {
    seed,
    violations: [...checkers.violations],
    trace: trace.result(),
    stats: {
      steps: scheduler.steps,
      virtualMs: scheduler.nowMs,
      writesAcked: clients.stats.acked,
      indeterminate: clients.stats.indeterminate,
      leaderChanges: checkers.leaderChanges,
      crashes: [...hosts.values()].reduce((n, h) => n + h.crashes, 0),
      packets: network.stats.packetsSent,
      fsyncs: [...hosts.values()].reduce((n, h) => n + h.disk.fsyncs, 0),
      profile: describeProfile(profile),
    },
  };
}

function quiescent(hosts: ReadonlyMap<PeerId, PeerHost>): boolean {
  let leader: PeerHost | undefined;
  for (const h of hosts.values()) {
    const c = h.core;
    if (c === undefined || c.phase !== 'broadcast') return false;
    if (c.state === ServerState.LEADING) {
      if (leader !== undefined) return false;
      leader = h;
    }
  }
  if (leader === undefined) return false;
  const lc = leader.core as NonNullable<PeerHost['core']>;
  const z = lc.tree.lastProcessedZxid;
  if (lc.lastLoggedZxid !== z) return false;
  for (const h of hosts.values()) {
    const c = h.core as NonNullable<PeerHost['core']>;
    if (h !== leader && (c.leaderId !== leader.id || c.tree.lastProcessedZxid !== z)) return false;
  }
  return true;
}

function status(hosts: ReadonlyMap<PeerId, PeerHost>): string {
  return [...hosts.values()]
    .map((h) => {
      const c = h.core;
      if (c === undefined) return `p${h.id} down${h.refusedToStart !== undefined ? ' (refuses to start)' : ''}`;
      return `p${h.id} ${stateName(c.state)}/${c.phase} e${c.currentEpoch} at ${hex(c.tree.lastProcessedZxid)}${c.leaderId !== undefined ? ` → p${c.leaderId}` : ''}`;
    })
    .join(', ');
}
