/**
 * What happens to one call: request timeouts (client-wide and per call) leave the connection
 * usable; AbortSignal before send, in flight and while queued; the whenDisconnected policies;
 * noServerTimeoutMs when no server answers at all.
 */
import { describe, expect, it } from 'vitest';
import {
  ConnectionLossError,
  ManualClock,
  MarshallingError,
  RequestTimeoutError,
  type ClientOptions,
  type CoordClient,
} from '../../src/index.js';
import { encode, ExistsRequest, ExistsResponse, OpCode, SetDataRequest, SetDataResponse } from '../../src/jute/index.js';
import { getFreePort, waitForState } from '../../src/testing/index.js';
import { decodeBody, nextEvent, statFor, type FakeServer, useClientHarness } from './fake-server.js';

const { fakeServer, client: clientFor } = useClientHarness();

/** Tracks whether a promise has settled, without consuming its outcome. */
function track<T>(promise: Promise<T>): { readonly settled: boolean; readonly promise: Promise<T> } {
  const state = { settled: false, promise };
  promise.then(
    () => void (state.settled = true),
    () => void (state.settled = true),
  );
  return state;
}

/** Lets promise callbacks queued by a synchronous step (a ManualClock advance) run. */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const existsStat = (zxid: bigint) => ({ body: encode(ExistsResponse, { stat: statFor(zxid) }) });

describe('request timeouts', () => {
  it('requestTimeoutMs fails a call with RequestTimeoutError; the connection stays usable and in xid order', async () => {
    const clock = new ManualClock(0);
    const server = await fakeServer({ respond: (r) => (r.type === OpCode.exists ? 'hold' : 'default') });
    const client = clientFor(server.connectString, { clock, requestTimeoutMs: 500 });
    const connection = await server.nextConnection();
    await waitForState(client, 'connected', 5_000);

    const slow = track(client.exists('/slow'));
    const a = await connection.next();
    clock.advance(499);
    await flush();
    expect(slow.settled).toBe(false);
    clock.advance(1);
    const error = await slow.promise.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as Error).message).toMatch(/500 ms for \/slow/);

    const next = client.exists('/next');
    const b = await connection.next();
    expect(b.xid).toBe(a.xid + 1);
    // The late reply to the timed-out call arrives first and is consumed in order.
    connection.reply(a.xid, existsStat(0xaan));
    connection.reply(b.xid, existsStat(0xbbn));
    expect((await next)?.mzxid).toBe(0xbbn);
    expect(client.state).toBe('connected');
    expect(server.connections).toHaveLength(1);
  });

  it('a per-call timeoutMs overrides the client default', async () => {
    const server = await fakeServer({ respond: (r) => (r.type === OpCode.exists ? 'hold' : 'default') });
    const client = clientFor(server.connectString, { requestTimeoutMs: 60_000 });
    const connection = await server.nextConnection();
    await waitForState(client, 'connected', 5_000);

    const started = performance.now();
    const slow = client.exists('/slow', { timeoutMs: 100 });
    const a = await connection.next();
    await expect(slow).rejects.toBeInstanceOf(RequestTimeoutError);
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);

    const next = client.exists('/next');
    const b = await connection.next();
    connection.reply(a.xid, existsStat(1n));
    connection.reply(b.xid, existsStat(2n));
    expect((await next)?.mzxid).toBe(2n);
    expect(server.connections).toHaveLength(1);
  });
});

describe('AbortSignal', () => {
  it('an already aborted signal fails the call before anything is sent', async () => {
    const server = await fakeServer();
    const client = clientFor(server.connectString);
    const connection = await server.nextConnection();
    await waitForState(client, 'connected', 5_000);
    const reason = new Error('not wanted');
    await expect(client.exists('/aborted', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await expect(client.exists('/probe')).resolves.toBeNull();
    expect(decodeBody(ExistsRequest, await connection.next()).path).toBe('/probe');
  });

  it('aborting a call in flight rejects it at once; its late reply is skipped in order', async () => {
    const server = await fakeServer({ respond: (r) => (r.type === OpCode.exists ? 'hold' : 'default') });
    const client = clientFor(server.connectString);
    const connection = await server.nextConnection();
    await waitForState(client, 'connected', 5_000);

    const controller = new AbortController();
    const call = client.exists('/in-flight', { signal: controller.signal });
    const a = await connection.next();
    const reason = new Error('changed my mind');
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);

    const next = client.exists('/next');
    const b = await connection.next();
    connection.reply(a.xid, existsStat(1n));
    connection.reply(b.xid, existsStat(2n));
    expect((await next)?.mzxid).toBe(2n);
    expect(server.connections).toHaveLength(1);
  });

  it('aborting a call queued while disconnected removes it from the queue', async () => {
    const server = await fakeServer();
    const client = clientFor(server.connectString);
    const first = await server.nextConnection();
    await waitForState(client, 'connected', 5_000);
    server.accept = false;
    first.destroy();
    await waitForState(client, 'suspended', 5_000);

    const controller = new AbortController();
    const queued = client.exists('/queued', { signal: controller.signal });
    controller.abort();
    await expect(queued).rejects.toMatchObject({ name: 'AbortError' });

    const second = await server.nextConnection();
    await second.connectRequest;
    const probe = client.exists('/probe');
    second.accept();
    await expect(probe).resolves.toBeNull();
    expect(second.requests.map((r) => decodeBody(ExistsRequest, r).path)).toEqual(['/probe']);
  });
});

describe('whenDisconnected', () => {
  /** A client connected once, then cut off: its server accepts TCP but holds every handshake. */
  async function disconnectedClient(options: ClientOptions): Promise<{ server: FakeServer; client: CoordClient }> {
    const server = await fakeServer();
    const client = clientFor(server.connectString, options);
    const first = await server.nextConnection();
    await waitForState(client, 'connected', 5_000);
    server.accept = false;
    first.destroy();
    await waitForState(client, 'suspended', 5_000);
    return { server, client };
  }

  it("'fail' rejects at once with ConnectionLossError", async () => {
    const { client } = await disconnectedClient({ whenDisconnected: 'fail' });
    const error = await client.exists('/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionLossError);
    expect((error as Error).message).toMatch(/not connected.*'fail'.*\/x/);
  });

  it('{ maxWaitMs } fails a queued call after the bound', async () => {
    const clock = new ManualClock(0);
    const { client } = await disconnectedClient({ whenDisconnected: { maxWaitMs: 1_000 }, clock, connectTimeoutMs: 60_000 });
    const call = track(client.exists('/x'));
    clock.advance(999);
    await flush();
    expect(call.settled).toBe(false);
    clock.advance(1);
    const error = await call.promise.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionLossError);
    expect((error as Error).message).toMatch(/not connected within 1000 ms/);
  });

  it('{ maxWaitMs } bounds only the wait: a call sent after reconnecting is not failed by it', async () => {
    const clock = new ManualClock(0);
    const { server, client } = await disconnectedClient({ whenDisconnected: { maxWaitMs: 1_000 }, clock, connectTimeoutMs: 60_000 });
    server.respond = (r) => (r.type === OpCode.exists ? 'hold' : 'default');
    const call = track(client.exists('/x'));
    const second = await server.nextConnection();
    await second.connectRequest;
    clock.advance(400);
    second.accept();
    const sent = await second.next();
    // The call is on the wire; the server is slow. The wait bound no longer applies.
    clock.advance(1_000);
    await flush();
    expect(call.settled).toBe(false);
    second.reply(sent.xid, existsStat(7n));
    expect((await call.promise)?.mzxid).toBe(7n);
  });

  it("'wait' (the default) sends a queued call once reconnected", async () => {
    const { server, client } = await disconnectedClient({});
    const call = client.exists('/queued');
    const second = await server.nextConnection();
    await second.connectRequest;
    second.accept();
    await expect(call).resolves.toBeNull();
    expect(decodeBody(ExistsRequest, await second.next()).path).toBe('/queued');
  });

  it('a queued call sends its arguments as they were at the call, and bad ones reject at once', async () => {
    const { server, client } = await disconnectedClient({});
    server.respond = (r) => (r.type === OpCode.setData ? 'hold' : 'default');
    const data = Uint8Array.of(1, 2, 3);
    const call = client.setData('/queued', data);
    // The caller reuses its buffer while the call waits for a connection.
    data.fill(9);
    await expect(client.setData('/bad', data, 1.5)).rejects.toBeInstanceOf(MarshallingError);
    await expect(client.delete('/bad', 2 ** 31)).rejects.toBeInstanceOf(MarshallingError);
    const second = await server.nextConnection();
    await second.connectRequest;
    second.accept();
    const sent = await second.next();
    expect(decodeBody(SetDataRequest, sent)).toEqual({ path: '/queued', data: Uint8Array.of(1, 2, 3), version: -1 });
    second.reply(sent.xid, { body: encode(SetDataResponse, { stat: statFor(5n) }) });
    expect((await call).mzxid).toBe(5n);
  });
});

describe('noServerTimeoutMs', () => {
  it('with no server listening: error event naming the hosts, waiting calls fail, waitForConnected rejects; later connects', async () => {
    const [portA, portB] = [await getFreePort(), await getFreePort()];
    const client = clientFor(`127.0.0.1:${portA},127.0.0.1:${portB}`, { noServerTimeoutMs: 300, reconnectBackoff: { baseMs: 10, maxMs: 40 } });
    const errorEvent = nextEvent<Error>((l) => client.on('error', l), (l) => client.off('error', l), 5_000, "'error' event");
    const waiting = client.exists('/x').catch((e: unknown) => e);
    const connected = client.waitForConnected().catch((e: unknown) => e);

    const error = await errorEvent;
    expect(error).toBeInstanceOf(ConnectionLossError);
    expect(error.message).toContain(`127.0.0.1:${portA}`);
    expect(error.message).toContain(`127.0.0.1:${portB}`);
    expect(await waiting).toBeInstanceOf(ConnectionLossError);
    expect(await connected).toBeInstanceOf(ConnectionLossError);
    expect(client.state).toBe('connecting');

    // The client keeps trying: a server appearing on one of the ports is found.
    const server = await fakeServer({ port: portB });
    await client.waitForConnected({ timeoutMs: 5_000 });
    expect(client.connectedHost).toBe(server.connectString);
    await expect(client.exists('/y')).resolves.toBeNull();
  });

  it('fires again after a connection is lost and no server comes back', async () => {
    const server = await fakeServer();
    const client = clientFor(server.connectString, { noServerTimeoutMs: 200, sessionTimeoutMs: 30_000 });
    const first = await server.nextConnection();
    await waitForState(client, 'connected', 5_000);
    const errorEvent = nextEvent<Error>((l) => client.on('error', l), (l) => client.off('error', l), 5_000, "'error' event");
    server.accept = false;
    first.destroy();
    const waiting = client.exists('/x').catch((e: unknown) => e);
    expect((await errorEvent).message).toMatch(/no server answered .* for 200 ms/);
    expect(await waiting).toBeInstanceOf(ConnectionLossError);
    expect(client.state).toBe('suspended');
  });
});
