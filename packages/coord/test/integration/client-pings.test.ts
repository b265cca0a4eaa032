/**
 * The connection's timers (reference §1.2 "Client timers"): a ping (xid -2, type 11) after a third
 * of the negotiated timeout without sending; the connection declared dead after two thirds without
 * receiving; the session presumed expired after the whole timeout without any server. Driven by a
 * ManualClock where possible, so the boundaries are checked to the millisecond.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock, type ClientOptions, type ConnectionState, type CoordClient } from '../../src/index.js';
import { OpCode, Xid } from '../../src/jute/index.js';
import { waitForState } from '../../src/testing/index.js';
import { DEFAULT_SESSION_ID, type FakeServer, useClientHarness } from './fake-server.js';

const { fakeServer, client } = useClientHarness();

function clientFor(server: FakeServer, options: ClientOptions = {}): CoordClient {
  return client(server.connectString, options);
}

function recordStates(client: CoordClient): ConnectionState[] {
  const seen: ConnectionState[] = [];
  client.on('state', (s) => seen.push(s));
  return seen;
}

// Negotiated 9 s: read timeout 6 s (2/3), ping after 3 s idle (1/3).
const NEGOTIATED_MS = 9_000;
const READ_TIMEOUT_MS = 6_000;
const PING_AFTER_MS = 3_000;

describe('pings and the read timeout (ManualClock)', () => {
  it('pings after a third of the negotiated timeout without sending, and again while idle', async () => {
    const clock = new ManualClock(1_000);
    const server = await fakeServer({ accept: { timeOut: NEGOTIATED_MS } });
    const client = clientFor(server, { clock, sessionTimeoutMs: 30_000 });
    const connection = await server.nextConnection();
    await waitForState(client, 'connected', 5_000);
    expect(client.negotiatedTimeoutMs).toBe(NEGOTIATED_MS);

    // One millisecond short of the ping: the next frame the server sees is our probe, not a ping.
    clock.advance(PING_AFTER_MS - 1);
    let created!: () => void;
    const watchFired = new Promise<void>((resolve) => (created = resolve));
    const probe = client.exists('/probe', { watch: () => created() });
    expect((await connection.next({ includePings: true })).type).toBe(OpCode.exists);
    await expect(probe).resolves.toBeNull();

    // The probe was the last send: the ping is due PING_AFTER_MS after it.
    const zxidBefore = client.lastZxid;
    server.zxid = 0x21n;
    clock.advance(PING_AFTER_MS);
    const ping = await connection.next({ includePings: true });
    expect(ping).toMatchObject({ xid: Xid.ping, type: OpCode.ping });
    expect(ping.body.length).toBe(0);
    // Frames are read in order: once the notification sent after the ping reply reaches its
    // watcher, the ping reply was read too (before the clock moves on, or the client would
    // rightly call the connection dead).
    connection.notify(1, '/probe');
    await watchFired;
    // As in the Java client, only replies to requests move lastZxid, not pings or notifications.
    expect(client.lastZxid).toBe(zxidBefore);

    clock.advance(PING_AFTER_MS);
    expect(await connection.next({ includePings: true })).toMatchObject({ xid: Xid.ping, type: OpCode.ping });
    expect(client.state).toBe('connected');
  });

  it('declares the connection dead at two thirds of the timeout without a reply, then reconnects', async () => {
    const clock = new ManualClock(0);
    const server = await fakeServer({ accept: { timeOut: NEGOTIATED_MS } });
    const client = clientFor(server, { clock, sessionTimeoutMs: 30_000 });
    const seen = recordStates(client);
    const connection = await server.nextConnection();
    await waitForState(client, 'connected', 5_000);

    clock.advance(1_234);
    // The reply to this probe is the last byte the client hears on this connection.
    await expect(client.exists('/probe')).resolves.toBeNull();
    expect((await connection.next()).type).toBe(OpCode.exists);
    server.answerPings = false;

    clock.advance(PING_AFTER_MS);
    expect(await connection.next({ includePings: true })).toMatchObject({ xid: Xid.ping });
    clock.advance(READ_TIMEOUT_MS - PING_AFTER_MS - 1);
    expect(client.connectedHost).toBe(server.connectString);
    clock.advance(1);
    expect(client.connectedHost).toBeUndefined();

    await connection.closed;
    await waitForState(client, 'reconnected', 5_000);
    const second = server.connections[1];
    expect((await second?.connectRequest)?.sessionId).toBe(DEFAULT_SESSION_ID);
    expect(seen).toEqual(['connected', 'suspended', 'reconnected']);
  });

  it('presumes the session expired after the whole negotiated timeout without a server, then starts a new one', async () => {
    const clock = new ManualClock(0);
    const server = await fakeServer({ accept: { timeOut: NEGOTIATED_MS } });
    const client = clientFor(server, { clock, sessionTimeoutMs: 30_000, connectTimeoutMs: 1_000 });
    const seen = recordStates(client);
    const first = await server.nextConnection();
    await waitForState(client, 'connected', 5_000);

    // The server goes silent: connections are accepted but handshakes never answered.
    server.accept = false;
    first.destroy();
    await waitForState(client, 'suspended', 5_000);
    await server.nextConnection();
    clock.advance(NEGOTIATED_MS - 1);
    expect(client.state).toBe('suspended');
    clock.advance(1);
    expect(client.state).toBe('lost');
    expect(client.sessionId).toBe(0n);

    // Later attempts ask for a fresh session; the server answers again.
    server.accept = { sessionId: 0x55n, timeOut: NEGOTIATED_MS };
    await expect
      .poll(
        () => {
          clock.advance(100);
          return client.state;
        },
        { timeout: 5_000, interval: 5 },
      )
      .toBe('reconnected');
    expect(client.sessionId).toBe(0x55n);
    const fresh = server.connections.at(-1);
    expect((await fresh?.connectRequest)?.sessionId).toBe(0n);
    expect(seen).toEqual(['connected', 'suspended', 'lost', 'reconnected']);
  });
});

describe('long sessions (ManualClock)', () => {
  it('pings at least every 10 s however long the session (MAX_SEND_PING_INTERVAL)', async () => {
    const clock = new ManualClock(0);
    const server = await fakeServer({ accept: { timeOut: 60_000 } });
    const client = clientFor(server, { clock, sessionTimeoutMs: 60_000 });
    const connection = await server.nextConnection();
    await waitForState(client, 'connected', 5_000);
    clock.advance(9_999);
    const probe = client.exists('/probe');
    expect((await connection.next({ includePings: true })).type).toBe(OpCode.exists);
    await expect(probe).resolves.toBeNull();
    clock.advance(10_000);
    expect(await connection.next({ includePings: true })).toMatchObject({ xid: Xid.ping, type: OpCode.ping });
  });
});

describe('pings and the read timeout (real time)', () => {
  it('pings about every third of a 600 ms session and reconnects when pings go unanswered', async () => {
    const server = await fakeServer({ accept: { timeOut: 600 } });
    const client = clientFor(server, { sessionTimeoutMs: 600 });
    const connection = await server.nextConnection();
    await waitForState(client, 'connected', 5_000);

    const t0 = performance.now();
    await connection.next({ includePings: true });
    const t1 = performance.now();
    await connection.next({ includePings: true });
    const t2 = performance.now();
    // Timers never fire early; 200 ms is a third of 600 (a little slack for timer granularity).
    expect(t1 - t0).toBeGreaterThanOrEqual(150);
    expect(t2 - t1).toBeGreaterThanOrEqual(190);

    server.answerPings = false;
    await waitForState(client, 'suspended', 5_000);
    // Read timeout: 2/3 of 600 ms after the last byte received (the reply to the ping seen at t2).
    expect(performance.now() - t2).toBeGreaterThanOrEqual(390);
    await waitForState(client, 'reconnected', 5_000);
    expect(connection.destroyed).toBe(true);
  });
});
