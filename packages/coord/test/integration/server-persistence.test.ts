/**
 * A server with a dataDir, restarted: sessions and their ephemerals come back, the client
 * carries on with the same session, a session whose client never returns expires as usual, and
 * autopurge keeps only the newest snapshots.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, ManualClock, type CoordClient, type WatchEvent } from '../../src/index.js';
import { startServer, waitForState, type CoordServer } from '../../src/testing/index.js';

let dataDir: string;
const servers: CoordServer[] = [];
const clients: CoordClient[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'coord-persist-'));
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  await rm(dataDir, { recursive: true, force: true });
});

async function serve(options: Parameters<typeof startServer>[0] = {}): Promise<CoordServer> {
  const server = await startServer({ dataDir, preAllocSizeBytes: 64 * 1024, tickTimeMs: 500, ...options });
  servers.push(server);
  return server;
}

async function stop(server: CoordServer): Promise<void> {
  servers.splice(servers.indexOf(server), 1);
  await server.stop();
}

function client(connectString: string): CoordClient {
  const c = createClient(connectString, { sessionTimeoutMs: 10_000 });
  clients.push(c);
  return c;
}

describe('a server restarted on its dataDir', () => {
  it('brings back the tree, the session and its ephemerals; the client reconnects to the same session', async () => {
    const first = await serve();
    const port = first.port;
    const c = client(first.connectString);
    await c.create('/kept', 'data');
    await c.create('/mine', null, { mode: 'EPHEMERAL' });
    const sessionId = c.sessionId;
    const suspended = waitForState(c, 'suspended');
    await stop(first);
    await suspended;

    const second = await serve({ port });
    await waitForState(c, 'reconnected');
    expect(c.sessionId).toBe(sessionId);
    expect(new TextDecoder().decode((await c.getData('/kept')).data)).toBe('data');
    expect((await c.exists('/mine'))?.ephemeralOwner).toBe(sessionId);
    expect(await c.getEphemerals()).toEqual(['/mine']);
    await c.close();
    const other = client(second.connectString);
    expect(await other.exists('/mine')).toBeNull();
  });

  it('expires a recovered session whose client never comes back, removing its ephemerals', async () => {
    const first = await serve();
    const owner = createClient(first.connectString, { sessionTimeoutMs: 4000 });
    await owner.waitForConnected();
    await owner.create('/orphan', null, { mode: 'EPHEMERAL' });
    // Kill the owner's side without closing its session (no closeSession reaches the server).
    await stop(first);
    await owner.close();

    const clock = new ManualClock(Date.now());
    const second = await serve({ clock });
    const watcher = client(second.connectString);
    const gone = new Promise<WatchEvent>((resolve) => void watcher.exists('/orphan', { watch: resolve }));
    expect(await watcher.exists('/orphan')).not.toBeNull();
    // The recovered session starts a fresh timeout at restart; a tick past it, it expires.
    for (let i = 0; i < 10; i++) {
      clock.advance(500);
      await watcher.sync('/');
    }
    expect(await gone).toMatchObject({ type: 'NodeDeleted', path: '/orphan' });
  });

  it('autopurge keeps the newest snapshots and the logs they need', async () => {
    const clock = new ManualClock(Date.now());
    const server = await serve({ clock, snapCount: 10, autopurge: { snapRetainCount: 3, purgeIntervalHours: 1 } });
    const c = client(server.connectString);
    for (let i = 0; i < 120; i++) await c.create(`/n${i}`);
    await c.sync('/');
    const snapshots = async () => (await readdir(join(dataDir, 'version-2'))).filter((f) => f.startsWith('snapshot.'));
    await expect.poll(async () => (await snapshots()).length, { timeout: 10_000 }).toBeGreaterThan(3);
    // No more txns from here on (no session left to expire), and no snapshot half written.
    await c.close();
    await server.settle();
    // An hour on the server's clock: the purge runs.
    clock.advance(3_600_000);
    await expect.poll(async () => (await snapshots()).length, { timeout: 10_000 }).toBe(3);
  });
});
