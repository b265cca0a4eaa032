/**
 * Several hosts in the connect string: a refused host is skipped, a host that accepts TCP but
 * never answers the handshake is left after the per-host connect timeout, the order follows the
 * (injected) shuffle, and a broken connection moves the client on round-robin.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/index.js';
import { getFreePort, waitForState } from '../../src/testing/index.js';
import { useClientHarness } from './fake-server.js';

const { fakeServer, client: clientFor } = useClientHarness();

describe('multiple hosts', () => {
  it('skips a host that refuses the connection', async () => {
    const refused = await getFreePort();
    const good = await fakeServer();
    const client = clientFor(`127.0.0.1:${refused},${good.connectString}`);
    await waitForState(client, 'connected', 5_000);
    expect(client.connectedHost).toBe(good.connectString);
    await expect(client.exists('/x')).resolves.toBeNull();
  });

  it('leaves a host that accepts TCP but never answers the handshake after connectTimeoutMs', async () => {
    const silent = await fakeServer({ accept: false });
    const good = await fakeServer();
    const started = performance.now();
    const client = clientFor(`${silent.connectString},${good.connectString}`, { connectTimeoutMs: 200 });
    const stuck = await silent.nextConnection();
    expect((await stuck.connectRequest).sessionId).toBe(0n);
    await waitForState(client, 'connected', 5_000);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(client.connectedHost).toBe(good.connectString);
    // The client hung up on the silent host rather than leaving the socket open.
    await stuck.closed;
  });

  it('defaults the connect timeout to sessionTimeoutMs / hosts (ManualClock)', async () => {
    const clock = new ManualClock(0);
    const silent = await fakeServer({ accept: false });
    const good = await fakeServer();
    // 8000 ms over 2 hosts: 4000 ms per host.
    const client = clientFor(`${silent.connectString},${good.connectString}`, { clock, sessionTimeoutMs: 8_000 });
    const stuck = await silent.nextConnection();
    await stuck.connectRequest;
    clock.advance(3_999);
    expect(stuck.destroyed).toBe(false);
    expect(good.connections).toHaveLength(0);
    clock.advance(1);
    await stuck.closed;
    await waitForState(client, 'connected', 5_000);
    expect(client.connectedHost).toBe(good.connectString);
  });

  it('tries hosts in the order the injected random shuffles them', async () => {
    const servers = [await fakeServer(), await fakeServer(), await fakeServer()];
    // Fisher–Yates with random() = 0 turns [a, b, c] into [b, c, a].
    const client = clientFor(servers.map((s) => s.connectString).join(','), { shuffleHosts: true, random: () => 0 });
    await waitForState(client, 'connected', 5_000);
    expect(client.connectedHost).toBe(servers[1]?.connectString);
    expect(servers.map((s) => s.connections.length)).toEqual([0, 1, 0]);
  });

  it('after a connection breaks, resumes the session on the next host, round-robin', async () => {
    const servers = [await fakeServer(), await fakeServer(), await fakeServer()];
    const client = clientFor(servers.map((s) => s.connectString).join(','));
    const visited: string[] = [];
    for (let i = 0; i < 4; i++) {
      await waitForState(client, ['connected', 'reconnected'], 5_000);
      visited.push(client.connectedHost ?? '?');
      const current = servers.find((s) => s.connectString === client.connectedHost);
      const suspended = waitForState(client, 'suspended', 5_000);
      current?.connections.at(-1)?.destroy();
      await suspended;
    }
    expect(visited).toEqual([0, 1, 2, 0].map((i) => servers[i]?.connectString));
    const resumed = await Promise.all(servers.flatMap((s) => s.connections).slice(1).map((c) => c.connectRequest));
    expect(resumed.every((r) => r.sessionId === client.sessionId && client.sessionId !== 0n)).toBe(true);
  });
});
