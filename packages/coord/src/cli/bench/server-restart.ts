/**
 * The restart row of `coord bench server`: create N znodes on a server that persists to a fresh
 * dataDir, make sure a snapshot and a log tail exist, stop the server cleanly, start it again on
 * the same dataDir and time from process start until a client read of the last znode answers
 * (snapshot load + log replay + start-up). The plan and the dataDir listing are pure
 * (server-restart-plan.ts); this module does the I/O.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createClient, type CoordClient } from '../../client/client.js';
import { startApacheZooKeeper } from '../../testing/index.js';
import { CONNECT_TIMEOUT_MS } from './run.js';
import { spawnCoordServer } from './server-child.js';
import { processRssBytes } from './proc-stat.js';
import type { ServerName } from './server-options.js';
import {
  childPath,
  lastChildPath,
  listDataDir,
  LOAD_CONCURRENCY,
  loadBatches,
  parentPath,
  RESTART_DATA_BYTES,
  RESTART_ROOT,
  restartPlan,
  txnsAfterSnapshot,
  type LoadBatch,
  type RestartResult,
} from './server-restart-plan.js';

export type { RestartResult } from './server-restart-plan.js';

/** A restart may take minutes at 1,000,000 znodes on a slow disk. */
const RESTART_TIMEOUT_MS = 600_000;
const SESSION_TIMEOUT_MS = 30_000;
/** Four-letter words Apache keeps on a restart; `conf` is left out so the testing kit trusts the port instead of looking for its own dataDir in `conf`. */
const APACHE_RESTART_4LW = 'ruok,srvr,stat,mntr';

export interface RestartContext {
  readonly fsync: boolean;
  readonly progress: (text: string) => void;
}

/** A started server: where it listens, its pid, and how to stop it. */
interface Running {
  readonly connectString: string;
  readonly pid: number;
  stop(): Promise<void>;
}

async function startCoord(dataDir: string, fsync: boolean, snapCount: number): Promise<Running> {
  const p = await spawnCoordServer({ dataDir, forceSync: fsync, snapCount, startTimeoutMs: RESTART_TIMEOUT_MS });
  return { connectString: p.connectString, pid: p.pid, stop: () => p.stop() };
}

async function startApache(dataDir: string, fsync: boolean, snapCount: number): Promise<Running> {
  const zk = await startApacheZooKeeper({
    tickTimeMs: 2_000,
    logLevel: 'warn',
    jvm: 'throughput',
    startTimeoutMs: RESTART_TIMEOUT_MS,
    extraConfig: { dataDir, forceSync: fsync ? 'yes' : 'no', snapCount: String(snapCount), '4lw.commands.whitelist': APACHE_RESTART_4LW },
  });
  return { connectString: zk.connectString, pid: zk.pid, stop: () => zk.stop() };
}

async function connect(connectString: string): Promise<CoordClient> {
  const client = createClient(connectString, { sessionTimeoutMs: SESSION_TIMEOUT_MS });
  try {
    await client.waitForConnected({ timeoutMs: CONNECT_TIMEOUT_MS });
  } catch (err) {
    await client.close().catch(() => undefined);
    throw err;
  }
  return client;
}

/** Creates the plan's znodes with LOAD_CONCURRENCY multis in flight, then `tailWrites` setData; returns the last zxid. */
async function load(client: CoordClient, znodes: number, tailWrites: number, progress: (text: string) => void, label: string): Promise<bigint> {
  await client.create(RESTART_ROOT, null);
  const batches = loadBatches(znodes);
  const data = Buffer.alloc(RESTART_DATA_BYTES, 0x62);
  let next = 0;
  let done = 0;
  let reported = 0;
  const parentCreated = new Map<number, Promise<void>>();
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next++];
      if (batch === undefined) return;
      // The multi creating a parent must precede the other multis under it; they wait for it.
      const tx = client.multi();
      if (batch.createParent) tx.create(parentPath(batch.parent), null);
      for (let c = batch.from; c < batch.to; c++) tx.create(childPath(batch.parent, c), data);
      await commitWhenParentExists(parentCreated, tx, batch);
      done += batch.to - batch.from;
      if (done - reported >= znodes / 10 || done === znodes) {
        reported = done;
        const s = (performance.now() - started) / 1000;
        progress(`restart ${label}: created ${done}/${znodes} znodes in ${s.toFixed(1)} s (${Math.round(done / s)}/s)\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: LOAD_CONCURRENCY }, worker));
  let last = 0n;
  const tailPath = parentPath(0);
  for (let i = 0; i < tailWrites; i += LOAD_CONCURRENCY) {
    const stats = await Promise.all(Array.from({ length: Math.min(LOAD_CONCURRENCY, tailWrites - i) }, () => client.setData(tailPath, data)));
    for (const s of stats) if (s.mzxid > last) last = s.mzxid;
  }
  return last;
}

/**
 * Commits `tx`; a multi under a parent another multi is still creating first waits for that one.
 * Called synchronously right after the batch is taken, and batches are taken in order, so the
 * parent's promise is in `ready` before any multi under it looks for it.
 */
async function commitWhenParentExists(ready: Map<number, Promise<void>>, tx: ReturnType<CoordClient['multi']>, batch: LoadBatch): Promise<void> {
  if (batch.createParent) {
    const committed = tx.commit().then(() => undefined);
    ready.set(batch.parent, committed);
    await committed;
    ready.delete(batch.parent - 1);
    return;
  }
  await ready.get(batch.parent);
  await tx.commit();
}

// dataDirs not yet removed, so a bench that exits early (Ctrl-C) leaves none ('exit' handlers must be synchronous).
const liveDirs = new Set<string>();
let exitHookInstalled = false;
function trackDir(dir: string): void {
  liveDirs.add(dir);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const d of liveDirs) rmSync(d, { recursive: true, force: true });
  });
}

/** Load, stop, restart, read: the restart row for one server. Stops every process it starts and removes its dataDir. */
export async function runRestart(server: ServerName, znodes: number, ctx: RestartContext): Promise<RestartResult> {
  const plan = restartPlan(znodes);
  const start = server === 'coord' ? startCoord : startApache;
  const dir = await mkdtemp(join(tmpdir(), `coord-bench-restart-${server}-`));
  trackDir(dir);
  let running: Running | undefined;
  const partial: { loadSeconds: number | null; snapshots: number | null; logs: number | null; replayedTxns: number | null; rssBeforeStopBytes: number | null } = {
    loadSeconds: null,
    snapshots: null,
    logs: null,
    replayedTxns: null,
    rssBeforeStopBytes: null,
  };
  try {
    ctx.progress(`restart ${server}: starting on ${dir} (snapCount ${plan.snapCount}, fsync ${ctx.fsync ? 'on' : 'off'}), loading ${znodes} znodes in ${plan.multis} multis\n`);
    running = await start(dir, ctx.fsync, plan.snapCount);
    const client = await connect(running.connectString);
    let lastZxid: bigint;
    const loadStart = performance.now();
    try {
      lastZxid = await load(client, znodes, plan.tailWrites, ctx.progress, server);
    } finally {
      await client.close().catch(() => undefined);
    }
    partial.loadSeconds = (performance.now() - loadStart) / 1000;
    partial.rssBeforeStopBytes = processRssBytes(running.pid) ?? null;
    ctx.progress(`restart ${server}: stopping\n`);
    await running.stop();
    running = undefined;

    const listing = listDataDir(await readdir(join(dir, 'version-2')));
    partial.snapshots = listing.snapshots;
    partial.logs = listing.logs;
    partial.replayedTxns = txnsAfterSnapshot(lastZxid, listing.newestSnapshotZxid);
    ctx.progress(
      `restart ${server}: dataDir has ${listing.snapshots} snapshot(s) and ${listing.logs} log file(s); ${partial.replayedTxns ?? 'unknown'} txn(s) after the newest snapshot; restarting\n`,
    );
    if (listing.snapshots === 0) throw new Error('no snapshot was written during the load');

    const t0 = performance.now();
    running = await start(dir, ctx.fsync, plan.snapCount);
    const reader = await connect(running.connectString);
    let children: number;
    try {
      await reader.getData(lastChildPath(znodes));
      const t1 = performance.now();
      const restartSeconds = (t1 - t0) / 1000;
      const rssAfterRestartBytes = processRssBytes(running.pid) ?? null;
      children = (await reader.getChildren(RESTART_ROOT)).length;
      if (children !== plan.parents) throw new Error(`after the restart ${RESTART_ROOT} has ${children} children, expected ${plan.parents}`);
      ctx.progress(`restart ${server}: answered a read ${restartSeconds.toFixed(2)} s after the process started\n`);
      return { server, znodes, ...partial, restartSeconds, rssAfterRestartBytes };
    } finally {
      await reader.close().catch(() => undefined);
    }
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    ctx.progress(`restart ${server}: ERROR ${error}\n`);
    return { server, znodes, ...partial, restartSeconds: null, rssAfterRestartBytes: null, error };
  } finally {
    if (running !== undefined) await running.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    liveDirs.delete(dir);
  }
}
