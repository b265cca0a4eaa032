/**
 * The connect handshake as the client speaks it (reference §1.2), against a fake server: the
 * ConnectRequest always carries the readOnly byte; the ConnectResponse is accepted with or
 * without it; an "expired" answer (timeOut 0) ends the session and the next attempt asks for a
 * fresh one.
 */
import { describe, expect, it } from 'vitest';
import { SessionExpiredError, type ClientOptions, type ConnectionState, type CoordClient } from '../../src/index.js';
import { OpCode, ExistsRequest } from '../../src/jute/index.js';
import { waitForState } from '../../src/testing/index.js';
import { decodeBody, DEFAULT_PASSWORD, DEFAULT_SESSION_ID, type FakeServer, useClientHarness } from './fake-server.js';

const { fakeServer, client } = useClientHarness();

function clientFor(server: FakeServer, options: ClientOptions = {}): CoordClient {
  return client(server.connectString, options);
}

function recordStates(client: CoordClient): ConnectionState[] {
  const seen: ConnectionState[] = [];
  client.on('state', (s) => seen.push(s));
  return seen;
}

describe('client handshake', () => {
  it('sends a ConnectRequest for a new session, with the readOnly byte', async () => {
    const server = await fakeServer({ accept: false });
    clientFor(server, { sessionTimeoutMs: 6_000 });
    const connection = await server.nextConnection();
    const request = await connection.connectRequest;
    expect(request).toEqual({
      protocolVersion: 0,
      lastZxidSeen: 0n,
      timeOut: 6_000,
      sessionId: 0n,
      passwd: new Uint8Array(16),
      // Decoded as undefined when the byte is absent: false here means it was sent.
      readOnly: false,
    });
  });

  it('sets the readOnly byte when canBeReadOnly is on, and reports a read-only server as readOnly', async () => {
    const server = await fakeServer({ accept: { readOnly: true } });
    const client = clientFor(server, { canBeReadOnly: true });
    const connection = await server.nextConnection();
    expect((await connection.connectRequest).readOnly).toBe(true);
    await waitForState(client, 'readOnly', 5_000);
    await client.waitForConnected({ timeoutMs: 5_000 });
  });

  it.each([
    ['with', false],
    ['without', undefined],
  ] as const)('accepts a ConnectResponse %s the readOnly byte', async (_label, readOnly) => {
    const server = await fakeServer({ accept: { readOnly, timeOut: 5_000, sessionId: 0x42n } });
    const client = clientFor(server);
    await waitForState(client, 'connected', 5_000);
    expect(client.sessionId).toBe(0x42n);
    expect(client.negotiatedTimeoutMs).toBe(5_000);
    expect(client.sessionPassword).toEqual(DEFAULT_PASSWORD);
    expect(client.connectedHost).toBe(server.connectString);
    // The session works: a request goes out and its reply comes back.
    await expect(client.exists('/x')).resolves.toBeNull();
  });

  it('treats timeOut 0 as an expired session: lost, queued calls fail, then a fresh session (sessionId 0)', async () => {
    const server = await fakeServer();
    const client = clientFor(server, { sessionTimeoutMs: 4_000 });
    const seen = recordStates(client);
    const first = await server.nextConnection();
    await waitForState(client, 'connected', 5_000);
    expect(client.sessionId).toBe(DEFAULT_SESSION_ID);

    // A one-shot watch of the old session: it must not be re-registered on the new one.
    const watchReply = client.exists('/old', { watch: () => undefined });
    await expect(watchReply).resolves.toBeNull();

    server.accept = false;
    first.destroy();
    const second = await server.nextConnection();
    const resume = await second.connectRequest;
    expect(resume.sessionId).toBe(DEFAULT_SESSION_ID);
    expect(resume.passwd).toEqual(DEFAULT_PASSWORD);
    expect(resume.lastZxidSeen).toBe(server.zxid);

    // A call made while the client is disconnected waits for the session ...
    const queued = client.exists('/queued');
    const lost = waitForState(client, 'lost', 5_000);
    second.rejectExpired();
    await lost;
    // ... and fails with the session.
    await expect(queued).rejects.toBeInstanceOf(SessionExpiredError);
    expect(client.sessionId).toBe(0n);

    const third = await server.nextConnection();
    const fresh = await third.connectRequest;
    expect(fresh.sessionId).toBe(0n);
    expect(fresh.passwd).toEqual(new Uint8Array(16));
    expect(fresh.readOnly).toBe(false);
    third.accept({ sessionId: 0x77n });
    await waitForState(client, ['connected', 'reconnected'], 5_000);
    expect(client.sessionId).toBe(0x77n);

    // The first request on the new connection is the probe: no SetWatches for the dead watch.
    const probe = client.exists('/probe');
    const request = await third.next();
    expect(request.type).toBe(OpCode.exists);
    expect(decodeBody(ExistsRequest, request).path).toBe('/probe');
    await expect(probe).resolves.toBeNull();
    expect(seen).toEqual(['connected', 'suspended', 'lost', 'reconnected']);
  });

  it('answers an expired resume on the very first connection with lost and a fresh session', async () => {
    const server = await fakeServer({ accept: false });
    const client = clientFor(server, { sessionId: 0x99n, sessionPassword: new Uint8Array(16).fill(3) });
    const seen = recordStates(client);
    const first = await server.nextConnection();
    const resume = await first.connectRequest;
    expect(resume.sessionId).toBe(0x99n);
    expect(resume.passwd).toEqual(new Uint8Array(16).fill(3));
    first.rejectExpired();
    await waitForState(client, 'lost', 5_000);
    const second = await server.nextConnection();
    expect((await second.connectRequest).sessionId).toBe(0n);
    second.accept({ sessionId: 0x100n });
    await client.waitForConnected({ timeoutMs: 5_000 });
    expect(client.sessionId).toBe(0x100n);
    expect(seen[0]).toBe('lost');
  });
});
