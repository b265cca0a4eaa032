/**
 * Load on one standalone server: 1,000 concurrent coord sessions with 10 one-shot watches each
 * (5 on private nodes, 5 on 50 shared nodes; getData, exists and getChildren mixed). Every watch
 * is then made to fire, and each session must see each of its 10 notifications exactly once,
 * also after a second round of changes that no watch may report. Closing every session must
 * bring the server back to its baseline: no connection, session or watch left, and the heap
 * (after a full GC) within a margin of what it was before the sessions opened. The baseline is
 * taken after a warm-up cycle of 100 sessions, so compiled code and buffer pools are in it and
 * the margin can be small.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type CoordClient, type WatchEvent } from '../../src/index.js';
import { startServer, type CoordServer } from '../../src/server/server.js';
import { gcFunction, mib, settledHeap, trackProcessErrors } from '../fuzz/harness.js';

const SESSIONS = 1000;
const SHARED_NODES = 50;
const PRIVATE_PER_SESSION = 5;
const SHARED_PER_SESSION = 5;
/** Sessions opened (and closed) at once, so a 2-core box is not flooded with handshakes. */
const BATCH = 50;
/** Sessions of the warm-up cycle run before the baseline (so JIT code and pools are in it). */
const WARMUP_SESSIONS = 100;
const HEAP_MARGIN_BYTES = 6 * 1024 * 1024;

const sharedPath = (m: number) => `/load/shared/s${m}`;
const privatePath = (i: number, k: number) => `/load/private/p${i}-${k}`;
/** The shared nodes session i watches: distinct for one session, 100 watchers per node overall. */
const sharedOf = (i: number, j: number) => (i + 10 * j) % SHARED_NODES;

type Method = 'getData' | 'exists' | 'getChildren';
/** Watch kinds by slot: k=4 is exists on a node that does not exist yet (NodeCreated). */
const METHODS: readonly Method[] = ['getData', 'exists', 'getChildren', 'getData', 'exists'];

/** What session i must see: "path type" per watch, each exactly once. */
function expectedEvents(i: number): string[] {
  const out: string[] = [];
  for (let k = 0; k < PRIVATE_PER_SESSION; k++) {
    const type = k === 4 ? 'NodeCreated' : METHODS[k] === 'getChildren' ? 'NodeChildrenChanged' : 'NodeDataChanged';
    out.push(`${privatePath(i, k)} ${type}`);
  }
  for (let j = 0; j < SHARED_PER_SESSION; j++) out.push(`${sharedPath(sharedOf(i, j))} ${METHODS[j] === 'getChildren' ? 'NodeChildrenChanged' : 'NodeDataChanged'}`);
  return out.sort();
}

async function inBatches<T>(items: readonly T[], size: number, run: (item: T) => Promise<unknown>): Promise<void> {
  for (let from = 0; from < items.length; from += size) await Promise.all(items.slice(from, from + size).map(run));
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

let server: CoordServer | undefined;
const openClients: CoordClient[] = [];
afterEach(async () => {
  await Promise.all(openClients.splice(0).map((c) => c.close()));
  await server?.stop();
  server = undefined;
});

function client(connectString: string): CoordClient {
  const c = createClient(connectString, { shuffleHosts: false, sessionTimeoutMs: 30_000, requestTimeoutMs: 30_000 });
  openClients.push(c);
  return c;
}

interface CycleTimings {
  readonly connectMs: number;
  readonly fireMs: number;
  readonly closeMs: number;
  readonly peakHeapUsed: number;
}

/** Opens `count` sessions, arms, fires and checks their watches, undoes the changes, closes them. */
async function cycle(s: CoordServer, count: number, gc: (() => void) | undefined): Promise<CycleTimings> {
  const events: string[][] = range(count).map(() => []);
  const sessions: CoordClient[] = [];
  const connectStarted = Date.now();
  await inBatches(range(count), BATCH, async (i) => {
    const c = client(s.connectString);
    sessions[i] = c;
    await c.waitForConnected({ timeoutMs: 30_000 });
    const record = (event: WatchEvent) => void events[i]?.push(`${event.path} ${event.type}`);
    const arm = (path: string, method: Method) =>
      method === 'getData' ? c.getData(path, { watch: record }) : method === 'exists' ? c.exists(path, { watch: record }) : c.getChildren(path, { watch: record });
    await Promise.all([
      ...range(PRIVATE_PER_SESSION).map((k) => arm(privatePath(i, k), METHODS[k] ?? 'getData')),
      ...range(SHARED_PER_SESSION).map((j) => arm(sharedPath(sharedOf(i, j)), METHODS[j] ?? 'getData')),
    ]);
  });
  const connectMs = Date.now() - connectStarted;
  expect(s.connectionCount).toBe(count);
  expect(s.core.sessions.size).toBe(count);
  // getData and exists watches live in the data table, getChildren watches in the child table.
  expect(s.core.watches.data.size).toBe(count * 8);
  expect(s.core.watches.child.size).toBe(count * 2);
  const peak = await settledHeap(gc);

  // Fire every watch: data changes, child creations, and creation of the missing nodes.
  const trigger = client(s.connectString);
  await trigger.waitForConnected({ timeoutMs: 10_000 });
  const round = async (n: number) => {
    await inBatches(range(SHARED_NODES), 50, (m) => Promise.all([trigger.setData(sharedPath(m), `v${n}`), trigger.create(`${sharedPath(m)}/c${n}`, null)]));
    await inBatches(range(count), 50, (i) =>
      Promise.all([
        trigger.setData(privatePath(i, 0), `v${n}`),
        trigger.setData(privatePath(i, 1), `v${n}`),
        trigger.create(`${privatePath(i, 2)}/c${n}`, null),
        trigger.setData(privatePath(i, 3), `v${n}`),
        n === 1 ? trigger.create(privatePath(i, 4), null) : trigger.setData(privatePath(i, 4), `v${n}`),
      ]),
    );
    // A round trip per session after the changes: its notifications were sent before this
    // reply on the same connection, and the client runs watchers before resuming the caller.
    await inBatches(sessions, 100, (c) => c.sync('/load'));
  };
  const fireStarted = Date.now();
  await round(1);
  const fireMs = Date.now() - fireStarted;
  const wrong = range(count).filter((i) => JSON.stringify([...(events[i] ?? [])].sort()) !== JSON.stringify(expectedEvents(i)));
  expect(wrong.slice(0, 5).map((i) => ({ session: i, saw: [...(events[i] ?? [])].sort(), expected: expectedEvents(i) }))).toEqual([]);
  expect(events.reduce((n, e) => n + e.length, 0)).toBe(count * 10);
  // Per path over all sessions too: each shared node told each of its watchers once.
  const perPath = (lists: readonly (readonly string[])[]) => {
    const counts = new Map<string, number>();
    for (const list of lists) for (const e of list) counts.set(e, (counts.get(e) ?? 0) + 1);
    return [...counts].sort(([x], [y]) => (x < y ? -1 : 1));
  };
  expect(perPath(events)).toEqual(perPath(range(count).map(expectedEvents)));
  expect([s.core.watches.data.size, s.core.watches.child.size]).toEqual([0, 0]);

  // One-shot: a second round of the same changes reaches nobody.
  await round(2);
  expect(events.reduce((n, e) => n + e.length, 0)).toBe(count * 10);

  // Undo the new nodes (the tree is part of the baseline), then close every session.
  await inBatches(range(SHARED_NODES), 50, (m) => Promise.all([1, 2].map((n) => trigger.delete(`${sharedPath(m)}/c${n}`))));
  await inBatches(range(count), 50, (i) => Promise.all([trigger.delete(privatePath(i, 4)), ...[1, 2].map((n) => trigger.delete(`${privatePath(i, 2)}/c${n}`))]));
  await inBatches(range(SHARED_NODES), 50, (m) => trigger.setData(sharedPath(m), 'v0'));
  await inBatches(range(count), 50, (i) => Promise.all([0, 1, 3].map((k) => trigger.setData(privatePath(i, k), 'v0'))));
  const closeStarted = Date.now();
  await inBatches([...sessions, trigger], 100, (c) => c.close());
  const closeMs = Date.now() - closeStarted;
  openClients.splice(0);

  expect(s.connectionCount).toBe(0);
  expect(s.core.connectionCount).toBe(0);
  expect(s.core.sessions.size).toBe(0);
  const w = s.core.watches;
  expect([w.data.size, w.data.pathCount, w.data.watcherCount, w.child.size, w.child.pathCount, w.child.watcherCount]).toEqual([0, 0, 0, 0, 0, 0]);
  expect(s.core.tree.ephemerals.size).toBe(0);
  return { connectMs, fireMs, closeMs, peakHeapUsed: peak.heapUsed };
}

describe('server load', () => {
  it(`delivers every notification exactly once to ${SESSIONS} sessions with ${PRIVATE_PER_SESSION + SHARED_PER_SESSION} watches each, then returns to baseline`, async () => {
    const processErrors = trackProcessErrors();
    const started = Date.now();
    const gc = gcFunction();
    // One address opens all 1,000 connections: lift maxClientConnections (0 = unlimited).
    const s = (server = await startServer({ maxClientConnections: 0 }));

    const admin = client(s.connectString);
    await admin.waitForConnected({ timeoutMs: 10_000 });
    for (const p of ['/load', '/load/shared', '/load/private']) await admin.create(p, null);
    await inBatches(range(SHARED_NODES), 50, (m) => admin.create(sharedPath(m), 'v0'));
    await inBatches(range(SESSIONS), 50, (i) => Promise.all(range(PRIVATE_PER_SESSION - 1).map((k) => admin.create(privatePath(i, k), 'v0'))));
    await admin.close();
    openClients.splice(0);
    expect([s.connectionCount, s.core.sessions.size]).toEqual([0, 0]);
    const nodes = s.core.tree.nodeCount;
    const dataBytes = s.core.tree.approximateDataSize;

    await cycle(s, WARMUP_SESSIONS, gc);
    const baseline = await settledHeap(gc);
    const main = await cycle(s, SESSIONS, gc);
    expect([s.core.tree.nodeCount, s.core.tree.approximateDataSize]).toEqual([nodes, dataBytes]);
    const final = await settledHeap(gc);
    processErrors.dispose();
    console.log(
      `server load: ${SESSIONS} sessions opened and armed in ${(main.connectMs / 1000).toFixed(1)} s, ${SESSIONS * 10} notifications in ${(main.fireMs / 1000).toFixed(1)} s, ` +
        `closed in ${(main.closeMs / 1000).toFixed(1)} s; ${((Date.now() - started) / 1000).toFixed(1)} s in all (with a ${WARMUP_SESSIONS}-session warm-up); ` +
        `heapUsed baseline ${mib(baseline.heapUsed)} MiB, peak ${mib(main.peakHeapUsed)} MiB, final ${mib(final.heapUsed)} MiB (gc ${final.collected ? 'yes' : 'no'}); rss ${mib(final.rss)} MiB`,
    );
    expect(processErrors.errors).toEqual([]);
    expect(final.heapUsed - baseline.heapUsed).toBeLessThan(HEAP_MARGIN_BYTES);
  }, 90_000);
});
