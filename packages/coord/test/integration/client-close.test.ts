/**
 * close(): one closeSession (type -11) however often it is called, state 'closed', later calls
 * rejected, states() ended, `await using` disposal, and nothing left running afterwards.
 */
import { describe, expect, it } from 'vitest';
import { ClientClosedError, ConnectionLossError, createClient, ManualClock, type ClientOptions, type ConnectionState, type CoordClient } from '../../src/index.js';
import { OpCode } from '../../src/jute/index.js';
import { waitForState } from '../../src/testing/index.js';
import { within, type FakeServer, useClientHarness } from './fake-server.js';

const { fakeServer, client } = useClientHarness();

function clientFor(server: FakeServer, options: ClientOptions = {}): CoordClient {
  return client(server.connectString, options);
}

function closeSessions(server: FakeServer): number {
  return server.allRequests().filter((r) => r.type === OpCode.closeSession).length;
}

describe('close()', () => {
  it('sends one closeSession however often it is called, and ends in closed', async () => {
    const server = await fakeServer();
    const client = clientFor(server);
    const seen: ConnectionState[] = [];
    client.on('state', (s) => seen.push(s));
    const connection = await server.nextConnection();
    await waitForState(client, 'connected', 5_000);

    await Promise.all([client.close(), client.close()]);
    await client.close();
    expect(client.state).toBe('closed');
    expect(closeSessions(server)).toBe(1);
    const request = connection.requests.find((r) => r.type === OpCode.closeSession);
    expect(request?.xid).toBeGreaterThan(0);
    expect(request?.body.length).toBe(0);
    await connection.closed;
    expect(seen).toEqual(['connected', 'closed']);
    expect(server.connections).toHaveLength(1);
  });

  it('rejects every later call', async () => {
    const server = await fakeServer();
    const client = clientFor(server);
    await waitForState(client, 'connected', 5_000);
    await client.close();
    await expect(client.exists('/x')).rejects.toBeInstanceOf(ConnectionLossError);
    await expect(client.exists('/x')).rejects.toThrow(/closed/);
    // A closed client is final: retry policies must not keep trying it.
    await expect(client.exists('/x')).rejects.toMatchObject({ retriable: false });
    await expect(client.exists('/x')).rejects.toBeInstanceOf(ClientClosedError);
    await expect(client.addAuth('digest', 'a:b')).rejects.toBeInstanceOf(ConnectionLossError);
    await expect(client.waitForConnected()).rejects.toBeInstanceOf(ConnectionLossError);
  });

  it('ends the states() iterator after closed; an iterator made after close() is already done', async () => {
    const server = await fakeServer();
    const client = clientFor(server);
    const states = client.states();
    const collected = (async () => {
      const out: ConnectionState[] = [];
      for await (const s of states) out.push(s);
      return out;
    })();
    await waitForState(client, 'connected', 5_000);
    await client.close();
    expect(await collected).toEqual(['connected', 'closed']);
    expect(await client.states().next()).toEqual({ value: undefined, done: true });
  });

  it('closes at `await using` scope exit', async () => {
    const server = await fakeServer();
    let escaped: CoordClient | undefined;
    {
      await using client = createClient(server.connectString);
      escaped = client;
      await client.waitForConnected({ timeoutMs: 5_000 });
    }
    expect(escaped.state).toBe('closed');
    expect(closeSessions(server)).toBe(1);
  });

  it('does not wait forever for a closeSession reply that never comes (ManualClock)', async () => {
    const clock = new ManualClock(0);
    const server = await fakeServer({ respond: (r) => (r.type === OpCode.closeSession ? 'hold' : 'default') });
    const client = clientFor(server, { clock, sessionTimeoutMs: 60_000 });
    const connection = await server.nextConnection();
    await waitForState(client, 'connected', 5_000);
    const closing = client.close();
    expect((await connection.next()).type).toBe(OpCode.closeSession);
    clock.advance(60_000);
    await closing;
    expect(client.state).toBe('closed');
    await connection.closed;
  });

  it('while disconnected: sends nothing, stops the reconnect loop and hangs up a pending handshake', async () => {
    const server = await fakeServer({ accept: false });
    const client = clientFor(server, { connectTimeoutMs: 60_000 });
    const pending = await server.nextConnection();
    await pending.connectRequest;
    const waitingCall = client.exists('/x').catch((e: unknown) => e);
    const waitingForConnection = client.waitForConnected().catch((e: unknown) => e);
    await client.close();
    expect(client.state).toBe('closed');
    expect(await waitingCall).toBeInstanceOf(ConnectionLossError);
    expect(await waitingForConnection).toBeInstanceOf(ConnectionLossError);
    // The half-open attempt is abandoned now, not after its 60 s connect timeout.
    await within(pending.closed, 5_000, 'the pending handshake closed');
    expect(closeSessions(server)).toBe(0);
    expect(server.connections).toHaveLength(1);
  });
});
