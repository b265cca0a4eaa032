/**
 * The server's timers run on its injected clock: session expiry and the container/TTL sweeper
 * are driven here by a ManualClock, so each deadline is crossed exactly, without waiting.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, ManualClock, type CoordClient, type WatchEvent } from '../../src/index.js';
import { startServer, startTcpProxy, type CoordServer } from '../../src/testing/index.js';

const TICK_MS = 1000;
const SWEEP_MS = 5000;

let server: CoordServer | undefined;
const clients: CoordClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.stop();
  server = undefined;
});

async function setup(sessionTimeoutMs = 4 * TICK_MS, startMs = 1_700_000_000_000): Promise<{ clock: ManualClock; client: CoordClient; server: CoordServer }> {
  const clock = new ManualClock(startMs);
  server = await startServer({ clock, tickTimeMs: TICK_MS, containerCheckIntervalMs: SWEEP_MS });
  const client = createClient(server.connectString, { sessionTimeoutMs });
  clients.push(client);
  await client.waitForConnected({ timeoutMs: 10_000 });
  return { clock, client, server };
}

/**
 * Moves the server clock one tick at a time with a round trip after each, so the client's
 * session is touched as it would be by its pings and does not expire while time jumps.
 */
async function advanceAlive(clock: ManualClock, client: CoordClient, ms: number): Promise<void> {
  for (let left = ms; left > 0; left -= TICK_MS) {
    clock.advance(Math.min(TICK_MS, left));
    await client.sync('/');
  }
}

describe('container and TTL sweeper on the server clock', () => {
  it('removes a container once its last child is gone, at the next sweep', async () => {
    const { clock, client } = await setup();
    await client.create('/c', null, { mode: 'CONTAINER' });
    await client.create('/c/child');
    await client.delete('/c/child');
    const deleted = new Promise<WatchEvent>((resolve) => void client.exists('/c', { watch: resolve }));
    await client.sync('/c');
    await advanceAlive(clock, client, SWEEP_MS - 1);
    expect(await client.exists('/c')).not.toBeNull();
    clock.advance(1);
    expect(await deleted).toMatchObject({ type: 'NodeDeleted', path: '/c' });
    expect(await client.exists('/c')).toBeNull();
  });

  it('keeps a container that never had a child', async () => {
    const { clock, client } = await setup();
    await client.create('/unused', null, { mode: 'CONTAINER' });
    await advanceAlive(clock, client, 3 * SWEEP_MS);
    expect(await client.exists('/unused')).not.toBeNull();
  });

  it('removes a childless TTL node once its TTL has passed since its last change', async () => {
    const { clock, client } = await setup();
    await client.create('/ttl', 'x', { mode: 'PERSISTENT_WITH_TTL', ttlMs: 7000 });
    await client.create('/ttl-parent', 'x', { mode: 'PERSISTENT_WITH_TTL', ttlMs: 7000 });
    await client.create('/ttl-parent/child');
    // Sweeps at 5 s (too early: 5 s since mtime) and 10 s (past the 7 s TTL).
    await advanceAlive(clock, client, SWEEP_MS);
    expect(await client.exists('/ttl')).not.toBeNull();
    const deleted = new Promise<WatchEvent>((resolve) => void client.exists('/ttl', { watch: resolve }));
    await advanceAlive(clock, client, SWEEP_MS);
    expect(await deleted).toMatchObject({ type: 'NodeDeleted', path: '/ttl' });
    // A TTL node with a child stays.
    expect(await client.exists('/ttl-parent')).not.toBeNull();
  });
});

describe('session expiry on the server clock', () => {
  it('expires a silent session at its tick-rounded deadline, removing its ephemerals', async () => {
    // The observer's session (20 s, the most 1 s ticks allow) outlives the jump of the clock.
    // The clock starts 300 ms past a tick: the expiry check must still run on tick boundaries.
    const { clock, server, client: observer } = await setup(20 * TICK_MS, 1_700_000_000_300);
    // The owner talks through a proxy that can go silent: its pings then no longer reach the server.
    const proxy = await startTcpProxy({ host: server.host, port: server.port });
    try {
      const owner = createClient(proxy.connectString, { sessionTimeoutMs: 4 * TICK_MS });
      clients.push(owner);
      await owner.waitForConnected({ timeoutMs: 10_000 });
      await owner.create('/eph', null, { mode: 'EPHEMERAL' });
      const gone = new Promise<WatchEvent>((resolve) => void observer.exists('/eph', { watch: resolve }));
      await observer.sync('/');
      proxy.pause();
      // Last touch at t0 (the clock has not moved): deadline = the first tick boundary after t0 + 4 s,
      // which is t0 + 4.7 s here.
      clock.advance(5 * TICK_MS - 300 - 1);
      await observer.sync('/');
      expect(await observer.exists('/eph')).not.toBeNull();
      clock.advance(1);
      expect(await gone).toMatchObject({ type: 'NodeDeleted', path: '/eph' });
      expect(server.core.sessions.size).toBe(1);
    } finally {
      await proxy.close();
    }
  });
});
