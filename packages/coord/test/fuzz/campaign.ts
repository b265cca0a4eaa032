/**
 * One fuzz campaign against ONE in-process server, shared by the integration test and the
 * standalone runner. While hostile connections run (driver.ts), a well-behaved client with
 * watches keeps working; afterwards the server must be back where it started: no connection,
 * session, watch or node left behind by the fuzz, the per-IP connection limit exact, and the
 * heap (after a full GC) within a margin of what it was after a warm-up round.
 *
 * Problems are collected as `violations` (strings) rather than thrown, so the runner can print
 * all of them and the test can assert that there are none.
 */
import net from 'node:net';
import { createClient, CREATOR_ALL_ACL, digestId, NoNodeError, OPEN_ACL_UNSAFE, type CoordClient, type WatchEvent } from '../../src/index.js';
import { decode, encode } from '../../src/jute/codec.js';
import { FrameReader, frame } from '../../src/jute/frame-reader.js';
import { OpCode } from '../../src/jute/opcodes.js';
import { ConnectRequest, ConnectResponse } from '../../src/jute/records/connect.js';
import { RequestHeader } from '../../src/jute/records/headers.js';
import { startServer, type CoordServer } from '../../src/server/server.js';
import { emptySummary, mergeSummaries, runFuzz, type FuzzSummary, type FuzzTarget } from './driver.js';
import { FUZZ_ROOT } from './generators.js';
import { gcFunction, mib, pollUntil, settledHeap, signal, trackProcessErrors, withDeadline, type HeapSample } from './harness.js';

export const MAX_FRAME_BYTES = 0xfffff;
const MAX_CLIENT_CONNECTIONS = 60;
const SUPER_PASSWORD = 'fuzz-admin';
const GOOD_AUTH = 'good:secret';
const GOOD_SESSION_TIMEOUT_MS = 10_000;

export interface CampaignOptions {
  readonly seed: number;
  /** Frames of the main round (the warm-up round comes on top). */
  readonly frames: number;
  /** Frames of the warm-up round, after which the baseline is taken. Default min(10%, 10,000). */
  readonly warmupFrames?: number;
  readonly concurrency?: number;
  readonly closeDeadlineMs?: number;
  /** Allowed heapUsed growth from baseline to the end. Default 8 MiB. */
  readonly heapGrowthLimitBytes?: number;
  readonly log?: (line: string) => void;
  readonly onProgress?: (phase: 'warmup' | 'main', summary: FuzzSummary) => void;
}

export type ServerCounts = Record<string, number>;

export interface CampaignReport {
  readonly seed: number;
  readonly fuzz: FuzzSummary;
  readonly warmupFrames: number;
  readonly elapsedMs: number;
  readonly fuzzMs: number;
  /** Requests the server's core took in during the fuzz (frames that got past the handshake). */
  readonly requestsProcessed: number;
  readonly nodesLeftByFuzz: number;
  readonly heap: { readonly baseline: HeapSample; readonly final: HeapSample; readonly growthBytes: number; readonly limitBytes: number };
  readonly baselineCounts: ServerCounts;
  readonly finalCounts: ServerCounts;
  readonly good: { readonly sessionId: string; readonly heartbeats: number; readonly counterEvents: number; readonly states: readonly string[] };
  readonly violations: string[];
}

function countsOf(server: CoordServer): ServerCounts {
  const { core } = server;
  return {
    connections: server.connectionCount,
    coreLinks: core.connectionCount,
    sessions: core.sessions.size,
    dataWatches: core.watches.data.size,
    dataWatchPaths: core.watches.data.pathCount,
    dataWatchers: core.watches.data.watcherCount,
    childWatches: core.watches.child.size,
    childWatchPaths: core.watches.child.pathCount,
    childWatchers: core.watches.child.watcherCount,
    nodes: core.tree.nodeCount,
    ephemerals: core.tree.ephemeralCount,
    ephemeralOwners: core.tree.ephemerals.size,
    containers: core.tree.containers.size,
    ttls: core.tree.ttls.size,
    dataBytes: core.tree.approximateDataSize,
  };
}

function differences(before: ServerCounts, after: ServerCounts): string[] {
  return Object.keys(before).filter((k) => before[k] !== after[k]).map((k) => `${k} ${before[k]} -> ${after[k]}`);
}

/** Fixed width, so the tree's data size is the same whatever the count. */
const counterValue = (n: number) => String(n).padStart(10, '0');

/** The client that must not notice the fuzz: private nodes under a digest ACL, four watches. */
class GoodClient {
  readonly events: { readonly watch: string; readonly event: WatchEvent }[] = [];
  readonly states: string[] = [];
  counterEvents = 0;
  heartbeats = 0;
  private beating = false;
  sessionId = 0n;

  constructor(readonly client: CoordClient, private readonly violations: string[]) {
    client.on('state', (s) => this.states.push(s));
  }

  async setUp(): Promise<void> {
    const c = this.client;
    await c.waitForConnected({ timeoutMs: 10_000 });
    this.sessionId = c.sessionId;
    await c.create('/good', null, { acl: CREATOR_ALL_ACL });
    await c.create('/good/data', 'v0', { acl: CREATOR_ALL_ACL });
    await c.create('/good/counter', counterValue(0), { acl: CREATOR_ALL_ACL });
    await c.create('/good/eph', null, { acl: CREATOR_ALL_ACL, mode: 'EPHEMERAL' });
    await c.getData('/good/data', { watch: (event) => this.events.push({ watch: 'data', event }) });
    await c.exists('/good/missing', { watch: (event) => this.events.push({ watch: 'exists', event }) });
    await c.getChildren('/good', { watch: (event) => this.events.push({ watch: 'child', event }) });
    await c.addWatch('/good/counter', 'PERSISTENT', () => void this.counterEvents++);
  }

  /** A write and a read, at most one at a time; called as the fuzz makes progress. */
  beat(): void {
    if (this.beating) return;
    this.beating = true;
    const n = this.heartbeats + 1;
    void (async () => {
      try {
        await this.client.setData('/good/counter', counterValue(n));
        const { data } = await this.client.getData('/good/counter');
        const read = Buffer.from(data).toString();
        if (read !== counterValue(n)) this.violations.push(`good client read ${read} from /good/counter, wrote ${counterValue(n)}`);
        this.heartbeats = n;
      } catch (err) {
        this.violations.push(`good client heartbeat ${n} failed: ${(err as Error).message}`);
      } finally {
        this.beating = false;
      }
    })();
  }

  async idle(): Promise<void> {
    await pollUntil(() => !this.beating, 20_000, () => 'good client heartbeat still running');
  }
}

/** Opens a raw connection and handshakes; resolves with the session id, or undefined if refused. */
async function rawHandshake(server: CoordServer): Promise<{ socket: net.Socket; sessionId: bigint | undefined; closed: Promise<void> }> {
  const socket = net.connect({ host: server.host, port: server.port });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const reply = signal<bigint | undefined>();
  const reader = new FrameReader(MAX_FRAME_BYTES);
  let answered = false;
  socket.on('data', (chunk: Buffer) => {
    const [body] = reader.push(chunk);
    if (body === undefined || answered) return;
    answered = true;
    reply.resolve(decode(ConnectResponse, body).sessionId);
  });
  void closed.then(() => reply.resolve(undefined));
  socket.write(frame(encode(ConnectRequest, { protocolVersion: 0, lastZxidSeen: 0n, timeOut: 4000, sessionId: 0n, passwd: new Uint8Array(16), readOnly: false })));
  const sessionId = await withDeadline(reply.promise, 10_000, 'handshake of a raw connection');
  return { socket, sessionId, closed };
}

/**
 * The per-IP limit must be exact after the fuzz: every free slot takes a session, the next
 * connection is refused. Then the sessions are closed explicitly.
 */
async function checkConnectionLimit(server: CoordServer, violations: string[]): Promise<void> {
  const free = MAX_CLIENT_CONNECTIONS - server.connectionCount;
  const held = await Promise.all(Array.from({ length: free }, () => rawHandshake(server)));
  const refusedEarly = held.filter((h) => h.sessionId === undefined).length;
  if (refusedEarly > 0) violations.push(`per-IP limit: ${refusedEarly} of ${free} free slots refused a connection after the fuzz`);
  const extra = await rawHandshake(server);
  if (extra.sessionId !== undefined) violations.push(`per-IP limit: connection ${MAX_CLIENT_CONNECTIONS + 1} from one address was accepted`);
  extra.socket.destroy();
  for (const h of held) h.socket.write(frame(encode(RequestHeader, { xid: 1, type: OpCode.closeSession })));
  await withDeadline(Promise.all(held.map((h) => h.closed)), 10_000, 'server closing connections after closeSession');
}

/** Deletes what the fuzz created and restores what it changed, as the super user. */
async function cleanUp(server: CoordServer, admin: CoordClient, baselinePaths: ReadonlySet<string>, violations: string[]): Promise<number> {
  const extra = [...server.core.tree.nodes.keys()].filter((p) => !baselinePaths.has(p));
  const depth = (p: string) => p.split('/').length;
  const byDepth = new Map<number, string[]>();
  for (const p of extra) byDepth.set(depth(p), [...(byDepth.get(depth(p)) ?? []), p]);
  // The container sweeper may remove some first.
  const remove = (p: string) =>
    admin.delete(p).catch((err: unknown) => {
      if (!(err instanceof NoNodeError)) throw err;
    });
  for (const d of [...byDepth.keys()].sort((a, b) => b - a)) await Promise.all((byDepth.get(d) ?? []).map(remove));
  for (const p of baselinePaths) {
    if (server.core.tree.get(p) !== undefined) continue;
    if (p.startsWith('/good')) violations.push(`the fuzz removed the good client's node ${p}`);
    else await admin.create(p, null);
  }
  for (const p of ['/', FUZZ_ROOT, '/zookeeper', '/zookeeper/quota']) {
    await admin.setACL(p, OPEN_ACL_UNSAFE);
    await admin.setData(p, new Uint8Array(0));
  }
  return extra.length;
}

/** Runs warm-up, baseline, main round and every end check; see the file comment. */
export async function runCampaign(options: CampaignOptions): Promise<CampaignReport> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const processErrors = trackProcessErrors();
  const violations: string[] = [];
  const gc = gcFunction();
  if (gc === undefined) log('fuzz: gc() unavailable; heap numbers include garbage');
  const server = await startServer({
    tickTimeMs: 100,
    maxSessionTimeoutMs: GOOD_SESSION_TIMEOUT_MS,
    maxFrameBytes: MAX_FRAME_BYTES,
    maxClientConnections: MAX_CLIENT_CONNECTIONS,
    fourLetterWords: '*',
    superDigest: digestId('super', SUPER_PASSWORD),
  });
  const clientOptions = { shuffleHosts: false, sessionTimeoutMs: GOOD_SESSION_TIMEOUT_MS, requestTimeoutMs: 10_000 } as const;
  const admin = createClient(server.connectString, { ...clientOptions, auth: [{ scheme: 'digest', auth: `super:${SUPER_PASSWORD}` }] });
  const good = new GoodClient(createClient(server.connectString, { ...clientOptions, auth: [{ scheme: 'digest', auth: GOOD_AUTH }] }), violations);
  const target: FuzzTarget = {
    host: server.host,
    port: server.port,
    maxFrameBytes: MAX_FRAME_BYTES,
    lastZxid: () => server.core.lastZxid,
    hasSession: (id) => server.core.sessions.get(id) !== undefined,
  };
  try {
    await admin.waitForConnected({ timeoutMs: 10_000 });
    await admin.create(FUZZ_ROOT, null);
    await good.setUp();
    const baselinePaths = new Set(server.core.tree.nodes.keys());
    const concurrency = options.concurrency ?? 24;
    const closeDeadlineMs = options.closeDeadlineMs ?? 10_000;
    const fuzzRound = (phase: 'warmup' | 'main', frames: number, firstBlock: number) =>
      runFuzz(target, {
        seed: options.seed,
        frames,
        firstBlock,
        concurrency,
        closeDeadlineMs,
        onScenario: (summary) => {
          if (summary.connections % 16 === 0) good.beat();
          options.onProgress?.(phase, summary);
        },
      });
    // Everything the fuzz leaves behind must be gone once its sessions expire (<= the max timeout).
    const quiesce = async () => {
      await good.idle();
      await pollUntil(
        () => server.connectionCount === 2 && server.core.sessions.size === 2,
        GOOD_SESSION_TIMEOUT_MS + 10_000,
        () => `server back to 2 connections and 2 sessions; has ${server.connectionCount} and ${server.core.sessions.size}`,
      );
    };

    const warmupFrames = options.warmupFrames ?? Math.min(10_000, Math.ceil(options.frames / 10));
    const fuzzStarted = Date.now();
    const packetsBefore = server.core.counters.packetsReceived;
    const warmup = await fuzzRound('warmup', warmupFrames, 0);
    await quiesce();
    await cleanUp(server, admin, baselinePaths, violations);
    const baselineCounts = countsOf(server);
    const baseline = await settledHeap(gc);
    log(`fuzz: baseline after ${warmup.frames} warm-up frames: heapUsed ${mib(baseline.heapUsed)} MiB, ${JSON.stringify(baselineCounts)}`);

    const mainStarted = Date.now();
    const main = await fuzzRound('main', options.frames, warmup.nextBlock);
    log(`fuzz: main round ${main.frames} frames in ${((Date.now() - mainStarted) / 1000).toFixed(1)} s; warm-up, quiesce and baseline took ${((mainStarted - fuzzStarted) / 1000).toFixed(1)} s`);
    const fuzzMs = Date.now() - fuzzStarted;
    const requestsProcessed = server.core.counters.packetsReceived - packetsBefore;
    await quiesce();
    await checkConnectionLimit(server, violations);
    const nodesLeftByFuzz = await cleanUp(server, admin, baselinePaths, violations);
    const finalCounts = countsOf(server);
    for (const d of differences(baselineCounts, finalCounts)) violations.push(`server state not back to baseline: ${d}`);
    const final = await settledHeap(gc);
    const limitBytes = options.heapGrowthLimitBytes ?? 8 * 1024 * 1024;
    const growthBytes = final.heapUsed - baseline.heapUsed;
    if (growthBytes > limitBytes) violations.push(`heapUsed grew ${mib(growthBytes)} MiB (limit ${mib(limitBytes)} MiB) from ${mib(baseline.heapUsed)} MiB`);

    await checkGoodClient(good, violations);
    const fuzz = mergeSummaries(mergeSummaries(emptySummary(), warmup), main);
    const report: CampaignReport = {
      seed: options.seed,
      fuzz,
      warmupFrames: warmup.frames,
      elapsedMs: 0,
      fuzzMs,
      requestsProcessed,
      nodesLeftByFuzz,
      heap: { baseline, final, growthBytes, limitBytes },
      baselineCounts,
      finalCounts,
      good: { sessionId: `0x${good.sessionId.toString(16)}`, heartbeats: good.heartbeats, counterEvents: good.counterEvents, states: [...good.states] },
      violations,
    };
    await admin.close();
    await good.client.close();
    await pollUntil(
      () => server.connectionCount === 0 && server.core.sessions.size === 0,
      10_000,
      () => `server empty after the clients closed; has ${server.connectionCount} connections, ${server.core.sessions.size} sessions`,
    ).catch((err: Error) => violations.push(err.message));
    for (const err of processErrors.errors) violations.push(`uncaught in the process: ${(err as Error).stack ?? String(err)}`);
    return { ...report, elapsedMs: Date.now() - started };
  } finally {
    processErrors.dispose();
    await admin.close();
    await good.client.close();
    await server.stop();
  }
}

/** After the fuzz: same session, no reconnects, every heartbeat event, and the armed watches fire. */
async function checkGoodClient(good: GoodClient, violations: string[]): Promise<void> {
  const c = good.client;
  if (c.sessionId !== good.sessionId) violations.push(`good client session changed from 0x${good.sessionId.toString(16)} to 0x${c.sessionId.toString(16)}`);
  const unexpected = good.states.filter((s) => s !== 'connecting' && s !== 'connected');
  if (unexpected.length > 0) violations.push(`good client went through states ${unexpected.join(', ')}`);
  if (good.heartbeats === 0) violations.push('good client made no heartbeat during the fuzz');
  await pollUntil(() => good.counterEvents >= good.heartbeats, 10_000, () => `${good.counterEvents} counter events for ${good.heartbeats} writes`).catch((err: Error) =>
    violations.push(err.message),
  );
  if (good.counterEvents !== good.heartbeats) violations.push(`persistent watch saw ${good.counterEvents} events for ${good.heartbeats} writes`);
  if (good.events.length > 0) violations.push(`watches fired during the fuzz: ${JSON.stringify(good.events)}`);
  await c.setData('/good/data', 'v1');
  await c.create('/good/missing', 'here', { acl: CREATOR_ALL_ACL });
  await pollUntil(() => good.events.length >= 3, 10_000, () => `3 watch events, got ${JSON.stringify(good.events)}`).catch((err: Error) => violations.push(err.message));
  const seen = good.events.map((e) => `${e.watch}:${e.event.type}:${e.event.path}`).sort();
  const expected = ['child:NodeChildrenChanged:/good', 'data:NodeDataChanged:/good/data', 'exists:NodeCreated:/good/missing'];
  if (JSON.stringify(seen) !== JSON.stringify(expected)) violations.push(`watch events after the fuzz: ${JSON.stringify(seen)}, expected ${JSON.stringify(expected)}`);
  const { data } = await c.getData('/good/missing');
  if (Buffer.from(data).toString() !== 'here') violations.push('good client read back the wrong data');
  await c.delete('/good/missing');
}

export function formatReport(r: CampaignReport): string {
  const f = r.fuzz;
  const kinds = Object.entries(f.byKind).map(([k, v]) => `${k} ${v.connections}c/${v.frames}f`).join(', ');
  return [
    `seed ${r.seed}: ${f.frames} frames (${r.warmupFrames} warm-up) on ${f.connections} connections in ${(r.fuzzMs / 1000).toFixed(1)} s (${(r.elapsedMs / 1000).toFixed(1)} s in all)`,
    `  by kind: ${kinds}`,
    `  server: ${r.requestsProcessed} requests processed; expected closes ${f.expectations.closes}, open ${f.expectations.open} (${f.probed} answered a probe), either ${f.expectations.either}; ${f.expiredEarly} expired early`,
    `  bytes: ${mib(f.bytesSent)} MiB sent, ${mib(f.bytesReceived)} MiB received; ${r.nodesLeftByFuzz} nodes left by the fuzz, removed`,
    `  heapUsed: baseline ${mib(r.heap.baseline.heapUsed)} MiB, final ${mib(r.heap.final.heapUsed)} MiB, growth ${mib(r.heap.growthBytes)} MiB (limit ${mib(r.heap.limitBytes)}, gc ${r.heap.final.collected ? 'yes' : 'no'}); rss ${mib(r.heap.final.rss)} MiB`,
    `  good client: session ${r.good.sessionId}, ${r.good.heartbeats} heartbeats, ${r.good.counterEvents} persistent-watch events, states ${r.good.states.join(',') || '(none after connect)'}`,
    `  failures: ${f.failureCount}; violations: ${r.violations.length}`,
  ].join('\n');
}
