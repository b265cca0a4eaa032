import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createClient, type CoordClient } from '../../client/client.js';
import { LeaderLatch } from '../../recipes/leader/index.js';
import { Mutex } from '../../recipes/locks/index.js';
import { startTcpProxy } from '../../testing/index.js';
import { BenchServers } from './bench-servers.js';
import { formatMs, formatOpsPerSec } from './table.js';
import { summarize, type RoundSample } from './latency.js';
import { handoffWarmup, runHandoffs } from './recipes-handoff.js';
import type { RecipesBenchOptions } from './recipes-options.js';
import {
  handoffSummary,
  recipesRows,
  renderRecipesReport,
  summarizeFailovers,
  type RecipesBenchReport,
  type RecipesServerResult,
} from './recipes-report.js';
import { benchEnvironment, CONNECT_TIMEOUT_MS, publishReport, serverVersion, type BenchOutput } from './run.js';
import type { ServerName } from './server-options.js';

/** Sessions of the hand-off contenders and the graceful participants. */
const SESSION_TIMEOUT_MS = 30_000;
/** The crash rows' negotiated session timeout: both servers run with tickTime 2 s, so 4 s is their minimum (2 × tick). */
const CRASH_SESSION_TIMEOUT_MS = 4_000;
const TICK_TIME_MS = 2_000;
/** Graceful failovers rotate through this many participants (each its own session). */
const GRACEFUL_PARTICIPANTS = 3;
/** Unmeasured graceful failovers first, so neither side pays for its first (cold) code path in a sample. */
const GRACEFUL_WARMUP = 3;
/** A leadership change later than this ends the row with an error instead of hanging. */
const LEADER_TIMEOUT_MS = 30_000;
const SERVER_WARMUP_CONTENDERS = 10;
const SERVER_WARMUP_HANDOFFS = 300;
const SERVER_ORDER: readonly ServerName[] = ['coord', 'apache'];

interface Target {
  readonly name: ServerName;
  readonly connectString: string;
  readonly host: string;
  readonly port: number;
  readonly how: string;
  readonly version: string | undefined;
  readonly basePath: string;
}

interface HandoffState {
  readonly rounds: RoundSample[];
  error: string | undefined;
}

const now = (): number => performance.now();

/**
 * `coord bench recipes`: the Mutex and LeaderLatch recipes, run by coord's client in this
 * process, against coord standalone (a child Node process, dataDir with forceSync on) and Apache
 * ZooKeeper (the testing kit's throughput JVM, forceSync=yes), both tickTime 2 s, both started by
 * the bench and running for the whole run. Each server first gets an unmeasured warm-up of lock
 * hand-offs. The hand-off rows are interleaved: round 1 of every
 * contender count on both servers (order rotating), then round 2. Then the graceful failovers,
 * then the crash failovers, alternating servers.
 */
export async function runRecipesBench(options: RecipesBenchOptions, command: string, io: BenchOutput): Promise<RecipesBenchReport> {
  const loadAtStart = loadavg()[0] ?? Number.NaN;
  const startedAt = performance.now();
  const running = new BenchServers(io);
  try {
    const basePath = `/coord-bench-recipes-${process.pid}-${Date.now().toString(36)}`;
    const targets: Target[] = [];
    for (const name of SERVER_ORDER) {
      let connectString: string;
      let host: string;
      let port: number;
      let how: string;
      if (name === 'coord') {
        ({ connectString, port } = await running.startCoord('coord-bench-recipes-', { forceSync: true }));
        host = '127.0.0.1';
        how = `coord standalone (startServer) in its own Node process, dataDir ${running.coordDataDir ?? '?'}, forceSync on, tickTime ${TICK_TIME_MS} ms`;
      } else {
        io.progress('starting Apache ZooKeeper (testing kit, throughput JVM, forceSync=yes)...\n');
        const apache = await running.startApache({ tickTimeMs: TICK_TIME_MS, logLevel: 'warn', jvm: 'throughput', extraConfig: { forceSync: 'yes' } });
        ({ connectString, host, port } = apache);
        how = `Apache ZooKeeper standalone, testing kit, jvm: 'throughput', forceSync=yes, tickTime ${TICK_TIME_MS} ms`;
      }
      const version = await serverVersion(connectString);
      const admin = createClient(connectString, { sessionTimeoutMs: SESSION_TIMEOUT_MS });
      running.admins.push(admin);
      await admin.waitForConnected({ timeoutMs: CONNECT_TIMEOUT_MS });
      await admin.create(basePath, null);
      targets.push({ name, connectString, host, port, how, version, basePath });
      io.progress(`server ${name}: ${connectString}${version === undefined ? '' : `, version ${version}`}\n`);
    }

    // Unmeasured: both servers' (and the client's) JITs compile the lock paths before round 1.
    for (const target of targets) {
      io.progress(`warming up ${target.name}: ${SERVER_WARMUP_HANDOFFS} lock hand-offs between ${SERVER_WARMUP_CONTENDERS} contenders\n`);
      await measureHandoffs(target, SERVER_WARMUP_CONTENDERS, `${target.basePath}/warm-up`, SERVER_WARMUP_HANDOFFS);
    }

    const handoffs = new Map<string, HandoffState>();
    const key = (server: ServerName, n: number) => `${server}/${n}`;
    for (let round = 1; round <= options.rounds; round++) {
      for (const [i, n] of options.contenders.entries()) {
        for (let k = 0; k < targets.length; k++) {
          const target = targets[(k + i + round) % targets.length] as Target;
          const state = handoffs.get(key(target.name, n)) ?? { rounds: [], error: undefined };
          handoffs.set(key(target.name, n), state);
          if (state.error !== undefined) continue;
          const label = `[round ${round}/${options.rounds}] lock hand-off x${n} ${target.name}`;
          try {
            const sample = await measureHandoffs(target, n, `${target.basePath}/lock-${n}-${round}`, options.handoffs);
            state.rounds.push(sample);
            const s = summarize(sample.latencies, sample.elapsedMs);
            io.progress(`${label}: p50 ${formatMs(s.p50Ms)} ms, p99 ${formatMs(s.p99Ms)} ms, ${formatOpsPerSec(s.opsPerSec)} hand-offs/s (${s.ops})\n`);
          } catch (err) {
            state.error = message(err);
            io.progress(`${label}: ERROR ${state.error}\n`);
          }
        }
      }
    }

    const graceful = new Map<ServerName, { samples: number[]; error?: string }>();
    for (const target of targets) {
      try {
        const samples = await measureGraceful(target, options.failovers, io);
        graceful.set(target.name, { samples });
      } catch (err) {
        graceful.set(target.name, { samples: [], error: message(err) });
        io.progress(`graceful failover ${target.name}: ERROR ${message(err)}\n`);
      }
    }

    const crash = new Map<ServerName, { samples: number[]; negotiatedTimeoutMs?: number; error?: string }>();
    for (let rep = 1; rep <= options.crashFailovers; rep++) {
      for (const [k, t] of targets.entries()) {
        const target = targets[(k + rep) % targets.length] ?? t;
        const state = crash.get(target.name) ?? { samples: [] };
        crash.set(target.name, state);
        if (state.error !== undefined) continue;
        try {
          const { failoverMs, negotiatedTimeoutMs } = await measureCrash(target, `${target.basePath}/crash-${rep}`);
          state.samples.push(failoverMs);
          state.negotiatedTimeoutMs = negotiatedTimeoutMs;
          io.progress(`[${rep}/${options.crashFailovers}] crash failover ${target.name}: ${failoverMs.toFixed(0)} ms (negotiated session ${negotiatedTimeoutMs} ms)\n`);
        } catch (err) {
          state.error = message(err);
          io.progress(`[${rep}/${options.crashFailovers}] crash failover ${target.name}: ERROR ${state.error}\n`);
        }
      }
    }

    const results: RecipesServerResult[] = targets.map((t) => {
      const g = graceful.get(t.name);
      const c = crash.get(t.name);
      return {
        server: t.name,
        handoffs: options.contenders.map((n) => {
          const state = handoffs.get(key(t.name, n));
          if (state === undefined) return { contenders: n, error: 'not run' };
          if (state.error !== undefined) return { contenders: n, error: state.error };
          return { contenders: n, summary: handoffSummary(state.rounds) };
        }),
        graceful: g === undefined ? { error: 'not run' } : g.error !== undefined ? { error: g.error } : { summary: summarizeFailovers(g.samples) },
        crash:
          c === undefined
            ? { error: 'not run' }
            : c.error !== undefined
              ? { error: c.error }
              : { summary: summarizeFailovers(c.samples), ...(c.negotiatedTimeoutMs === undefined ? {} : { negotiatedTimeoutMs: c.negotiatedTimeoutMs }) },
      };
    });
    const settings = { rounds: options.rounds, handoffs: options.handoffs, contenders: options.contenders, failovers: options.failovers, crashFailovers: options.crashFailovers };
    const rows = recipesRows(options.contenders, results);
    const report: RecipesBenchReport = {
      date: new Date().toISOString(),
      command,
      environment: benchEnvironment(loadAtStart),
      servers: targets.map((t) => ({ name: t.name, how: t.how, version: t.version })),
      settings,
      results,
      rows,
      elapsedSeconds: (performance.now() - startedAt) / 1000,
    };
    await publishReport(io, renderRecipesReport(report), report, options.jsonPath);
    return report;
  } finally {
    await running.dispose();
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function connect(connectString: string, sessionTimeoutMs: number): Promise<CoordClient> {
  const client = createClient(connectString, { sessionTimeoutMs });
  try {
    await client.waitForConnected({ timeoutMs: CONNECT_TIMEOUT_MS });
  } catch (err) {
    await client.close().catch(() => undefined);
    throw err;
  }
  return client;
}

async function closeAll(clients: readonly CoordClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
}

/** One round of one contender count on one server: n fresh sessions, each with its own Mutex on `path`. */
async function measureHandoffs(target: Target, n: number, path: string, measured: number): Promise<RoundSample> {
  const clients: CoordClient[] = [];
  try {
    const opened = await Promise.allSettled(Array.from({ length: n }, () => connect(target.connectString, SESSION_TIMEOUT_MS)));
    for (const o of opened) if (o.status === 'fulfilled') clients.push(o.value);
    const failed = opened.find((o) => o.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    const locks = clients.map((c) => new Mutex(c, path));
    return await runHandoffs(locks, { warmup: handoffWarmup(n), measured }, now);
  } finally {
    await closeAll(clients);
  }
}

/** Waits for the next isLeader among latches the caller reports to `onLeader`. */
class LeaderWatch {
  private waiter: ((latch: LeaderLatch, at: number) => void) | undefined;

  onLeader(latch: LeaderLatch, at: number): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(latch, at);
  }

  /** Arms the watch; resolves with the next leader (and when it was told) or rejects after LEADER_TIMEOUT_MS. */
  next(what: string): Promise<{ latch: LeaderLatch; at: number }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`no new leader within ${LEADER_TIMEOUT_MS} ms (${what})`));
      }, LEADER_TIMEOUT_MS);
      this.waiter = (latch, at) => {
        clearTimeout(timer);
        resolve({ latch, at });
      };
    });
  }
}

/** `count` times (after GRACEFUL_WARMUP unmeasured ones): the leader closes its latch; timed to the next participant's isLeader; the closer rejoins at the back. */
async function measureGraceful(target: Target, count: number, io: BenchOutput): Promise<number[]> {
  const path = `${target.basePath}/graceful`;
  const clients: CoordClient[] = [];
  const latches = new Set<LeaderLatch>();
  const watch = new LeaderWatch();
  const join = async (client: CoordClient, id: string): Promise<void> => {
    const latch = new LeaderLatch(client, path, { participantId: id });
    latch.on('isLeader', () => watch.onLeader(latch, now()));
    latches.add(latch);
    await latch.start();
  };
  try {
    for (let i = 0; i < GRACEFUL_PARTICIPANTS; i++) clients.push(await connect(target.connectString, SESSION_TIMEOUT_MS));
    const first = watch.next('first leader');
    for (const [i, c] of clients.entries()) await join(c, `p${i}`);
    let leader = (await first).latch;
    const samples: number[] = [];
    for (let i = 0; i < GRACEFUL_WARMUP + count; i++) {
      const next = watch.next(`after graceful close ${i + 1}`);
      const t0 = now();
      await leader.close();
      latches.delete(leader);
      const { latch, at } = await next;
      if (i >= GRACEFUL_WARMUP) samples.push(at - t0);
      const closer = clients.find((_, k) => leader.participantId === `p${k}`);
      if (closer !== undefined) await join(closer, leader.participantId);
      leader = latch;
    }
    io.progress(`graceful failover ${target.name} (ms): ${samples.map((s) => formatMs(s)).join(', ')}\n`);
    return samples;
  } finally {
    await Promise.all([...latches].map((l) => l.close().catch(() => undefined)));
    await closeAll(clients);
  }
}

/**
 * One crash: the leader's session (4 s) runs through a TCP proxy, the follower's does not. The
 * proxy is paused (the leader hears nothing and is heard by nobody); timed from the pause to the
 * follower's isLeader, which comes once the server has expired the leader's session.
 */
async function measureCrash(target: Target, path: string): Promise<{ failoverMs: number; negotiatedTimeoutMs: number }> {
  const proxy = await startTcpProxy({ host: target.host, port: target.port });
  const clients: CoordClient[] = [];
  const latches: LeaderLatch[] = [];
  const watch = new LeaderWatch();
  try {
    const crashed = await connect(proxy.connectString, CRASH_SESSION_TIMEOUT_MS);
    clients.push(crashed);
    const follower = await connect(target.connectString, CRASH_SESSION_TIMEOUT_MS);
    clients.push(follower);
    const leader = new LeaderLatch(crashed, path, { participantId: 'crashed' });
    latches.push(leader);
    await leader.start();
    if (!(await leader.await({ timeoutMs: LEADER_TIMEOUT_MS }))) throw new Error('the first participant did not lead');
    const next = new LeaderLatch(follower, path, { participantId: 'follower' });
    latches.push(next);
    next.on('isLeader', () => watch.onLeader(next, now()));
    await next.start();
    const led = watch.next('after the leader was cut off');
    const t0 = now();
    proxy.pause();
    const { at } = await led;
    return { failoverMs: at - t0, negotiatedTimeoutMs: crashed.negotiatedTimeoutMs };
  } finally {
    await proxy.close();
    await Promise.all(latches.map((l) => l.close().catch(() => undefined)));
    await closeAll(clients);
  }
}
