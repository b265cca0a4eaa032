/**
 * What the client sends on a new connection for an existing session (reference §1.2 "Client frame
 * order" and §1.11): the ConnectRequest with the old session id, password and lastZxidSeen; one
 * auth packet (xid -4) per credential; SetWatches (101), or SetWatches2 (105) once persistent
 * watches exist, with chroot-prefixed paths in batches of at most 128 KB of path characters;
 * then the calls queued while disconnected.
 */
import { describe, expect, it } from 'vitest';
import { AuthFailedError, type CoordClient } from '../../src/index.js';
import { ErrorCode } from '../../src/errors/codes.js';
import {
  AuthPacket,
  encode,
  ExistsRequest,
  ExistsResponse,
  GetChildrenRequest,
  GetChildrenResponse,
  GetDataRequest,
  GetDataResponse,
  OpCode,
  SetWatches,
  SetWatches2,
  Xid,
} from '../../src/jute/index.js';
import { waitForState } from '../../src/testing/index.js';
import {
  DEFAULT_PASSWORD,
  DEFAULT_SESSION_ID,
  decodeBody,
  nextEvent,
  statFor,
  type FakeConnection,
  type FakeServer,
  type ReceivedRequest,
  type Responder,
  useClientHarness,
} from './fake-server.js';

const { fakeServer, client: clientFor } = useClientHarness();

const ZXID = 0x5_0000_0007n;

/**
 * Answers reads as if every path starting with /app/data or /app/c exists (so data and child
 * watches get set) and everything else is missing (exist watches); addWatch succeeds.
 */
const treeResponder: Responder = (r) => {
  const ok = (body: Buffer) => ({ body, zxid: ZXID });
  switch (r.type) {
    case OpCode.exists:
      return decodeBody(ExistsRequest, r).path.startsWith('/app/data') ? ok(encode(ExistsResponse, { stat: statFor(1n) })) : { err: ErrorCode.NONODE, zxid: ZXID };
    case OpCode.getData:
      return decodeBody(GetDataRequest, r).path.startsWith('/app/data') ? ok(encode(GetDataResponse, { data: Buffer.from('v'), stat: statFor(1n) })) : { err: ErrorCode.NONODE };
    case OpCode.getChildren:
      return decodeBody(GetChildrenRequest, r).path.startsWith('/app/c') ? ok(encode(GetChildrenResponse, { children: [] })) : { err: ErrorCode.NONODE };
    case OpCode.addWatch:
      return { zxid: ZXID };
    default:
      return 'default';
  }
};

/** Drops the client's connection and returns the next one, handshake held until the test accepts. */
async function reconnectHeld(server: FakeServer, client: CoordClient, current: FakeConnection): Promise<FakeConnection> {
  server.accept = false;
  const suspended = waitForState(client, 'suspended', 5_000);
  current.destroy();
  await suspended;
  const next = await server.nextConnection();
  await next.connectRequest;
  return next;
}

function describeFrame(r: ReceivedRequest): string {
  switch (r.type) {
    case OpCode.auth: {
      const p = decodeBody(AuthPacket, r);
      return `auth ${p.scheme} ${Buffer.from(p.auth ?? []).toString()}`;
    }
    case OpCode.setWatches:
      return 'setWatches';
    case OpCode.setWatches2:
      return 'setWatches2';
    case OpCode.exists:
      return `exists ${decodeBody(ExistsRequest, r).path}`;
    default:
      return `type ${r.type}`;
  }
}

describe('replay on reconnect', () => {
  it('ConnectRequest with the old session, then auth packets, then SetWatches (101), then queued calls', async () => {
    const server = await fakeServer({ respond: treeResponder, accept: { timeOut: 6_000 } });
    const client = clientFor(`${server.connectString}/app`, { sessionTimeoutMs: 6_000, auth: [{ scheme: 'digest', auth: 'init:pw' }] });
    const first = await server.nextConnection();
    await waitForState(client, 'connected', 5_000);
    expect(describeFrame(await first.next())).toBe('auth digest init:pw');

    await client.addAuth('digest', 'u:p');
    await client.addAuth('digest', 'v:q');
    const watcher = () => undefined;
    await client.exists('/data/a', { watch: watcher });
    await client.exists('/missing', { watch: watcher });
    await client.getChildren('/c', { watch: watcher });
    await client.getData('/data/d', { watch: watcher });
    expect(client.lastZxid).toBe(ZXID);

    const second = await reconnectHeld(server, client, first);
    expect(await second.connectRequest).toEqual({
      protocolVersion: 0,
      lastZxidSeen: ZXID,
      timeOut: 6_000,
      sessionId: DEFAULT_SESSION_ID,
      passwd: DEFAULT_PASSWORD,
      readOnly: false,
    });

    // Made while the handshake is pending: sent after the replayed state.
    const queued = client.exists('/queued');
    second.accept({ timeOut: 6_000 });
    await expect(queued).resolves.toBeNull();
    await waitForState(client, 'reconnected', 5_000);

    const frames = await Promise.all([1, 2, 3, 4, 5].map(() => second.next()));
    expect(frames.map(describeFrame)).toEqual(['auth digest init:pw', 'auth digest u:p', 'auth digest v:q', 'setWatches', 'exists /app/queued']);
    expect(frames.slice(0, 3).map((f) => f.xid)).toEqual([Xid.auth, Xid.auth, Xid.auth]);
    expect(frames[3]?.xid).toBe(Xid.setWatches);
    expect(frames[4]?.xid).toBeGreaterThan(0);
    expect(decodeBody(SetWatches, frames[3] as ReceivedRequest)).toEqual({
      relativeZxid: ZXID,
      dataWatches: ['/app/data/a', '/app/data/d'],
      existWatches: ['/app/missing'],
      childWatches: ['/app/c'],
    });
  });

  it('uses SetWatches2 (105) once a persistent watch exists, with every list chroot-prefixed', async () => {
    const server = await fakeServer({ respond: treeResponder });
    const client = clientFor(`${server.connectString}/app`);
    const first = await server.nextConnection();
    await waitForState(client, 'connected', 5_000);
    await client.exists('/data/x', { watch: () => undefined });
    await client.addWatch('/p', 'PERSISTENT', () => undefined);
    await client.addWatch('/', 'PERSISTENT_RECURSIVE', () => undefined);

    const second = await reconnectHeld(server, client, first);
    second.accept();
    const frame = await second.next();
    expect(frame).toMatchObject({ xid: Xid.setWatches, type: OpCode.setWatches2 });
    expect(decodeBody(SetWatches2, frame)).toEqual({
      relativeZxid: ZXID,
      dataWatches: ['/app/data/x'],
      existWatches: [],
      childWatches: [],
      persistentWatches: ['/app/p'],
      // The client path "/" is the chroot itself on the server.
      persistentRecursiveWatches: ['/app'],
    });
  });

  it('splits 5,000 watches into SetWatches frames of at most 128 KB of path characters, losing nothing, in order', async () => {
    const server = await fakeServer({ respond: treeResponder });
    const client = clientFor(`${server.connectString}/app`);
    const first = await server.nextConnection();
    await waitForState(client, 'connected', 5_000);

    const pad = (i: number) => String(i).padStart(6, '0');
    // 60-character client paths: half existing (data watches), half missing (exist watches).
    const paths = Array.from({ length: 5_000 }, (_, i) => (i % 2 === 0 ? `/data/${'d'.repeat(47)}/${pad(i)}` : `/none/${'n'.repeat(47)}/${pad(i)}`));
    expect(paths.every((p) => p.length === 60)).toBe(true);
    await Promise.all(paths.map((p) => client.exists(p, { watch: () => undefined })));

    const second = await reconnectHeld(server, client, first);
    const probe = client.exists('/probe');
    second.accept();
    await expect(probe).resolves.toBeNull();

    const batches: SetWatches[] = [];
    for (;;) {
      const frame = await second.next();
      if (frame.type !== OpCode.setWatches) {
        expect(describeFrame(frame)).toBe('exists /app/probe');
        break;
      }
      expect(frame.xid).toBe(Xid.setWatches);
      batches.push(decodeBody(SetWatches, frame));
    }
    expect(batches.length).toBeGreaterThanOrEqual(3);
    for (const b of batches) {
      const chars = [...b.dataWatches, ...b.existWatches, ...b.childWatches].reduce((n, p) => n + p.length, 0);
      expect(chars).toBeLessThanOrEqual(128 * 1024);
      expect(b.relativeZxid).toBe(ZXID);
    }
    const serverPaths = paths.map((p) => `/app${p}`);
    expect(batches.flatMap((b) => b.dataWatches)).toEqual(serverPaths.filter((_, i) => i % 2 === 0));
    expect(batches.flatMap((b) => b.existWatches)).toEqual(serverPaths.filter((_, i) => i % 2 === 1));
    expect(batches.flatMap((b) => b.childWatches)).toEqual([]);
  });

  it('a credential added while disconnected goes out in the next handshake and settles on its reply', async () => {
    const server = await fakeServer();
    const client = clientFor(server.connectString);
    const first = await server.nextConnection();
    await waitForState(client, 'connected', 5_000);

    const second = await reconnectHeld(server, client, first);
    const added = client.addAuth('digest', 'late:pw');
    second.accept();
    await expect(added).resolves.toBeUndefined();
    expect(describeFrame(await second.next())).toBe('auth digest late:pw');
  });

  it('an addAuth whose reply was lost with the connection is resent on the next one and settles there', async () => {
    const server = await fakeServer({ respond: (r) => (r.type === OpCode.auth ? 'hold' : 'default') });
    const client = clientFor(server.connectString);
    const first = await server.nextConnection();
    await waitForState(client, 'connected', 5_000);
    const added = client.addAuth('digest', 'slow:pw');
    expect(describeFrame(await first.next())).toBe('auth digest slow:pw');

    const second = await reconnectHeld(server, client, first);
    server.respond = undefined;
    second.accept();
    await expect(added).resolves.toBeUndefined();
    expect(describeFrame(await second.next())).toBe('auth digest slow:pw');
  });

  it('a replayed credential the server rejects fails its addAuth, emits error, and is not sent again', async () => {
    const server = await fakeServer();
    const client = clientFor(server.connectString);
    const first = await server.nextConnection();
    await waitForState(client, 'connected', 5_000);

    const second = await reconnectHeld(server, client, first);
    const added = client.addAuth('weird', 'x');
    server.respond = (r) => (r.type === OpCode.auth ? { err: ErrorCode.AUTHFAILED, zxid: 0n } : 'default');
    const errorEvent = nextEvent<Error>((l) => client.on('error', l), (l) => client.off('error', l), 5_000, "'error' event");
    second.accept();
    await expect(added).rejects.toBeInstanceOf(AuthFailedError);
    expect(await errorEvent).toBeInstanceOf(AuthFailedError);
    // As ZooKeeper does, the server hangs up after a failed auth; the client comes back without it.
    server.respond = undefined;
    server.accept = {};
    second.destroy();
    await waitForState(client, 'suspended', 5_000);
    const third = await server.nextConnection();
    await waitForState(client, 'reconnected', 5_000);
    await expect(client.exists('/probe')).resolves.toBeNull();
    expect((await third.next()).type).toBe(OpCode.exists);
  });
});
