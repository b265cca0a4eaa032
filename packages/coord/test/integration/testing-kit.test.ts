/**
 * The testing kit against the real thing: the Apache ZooKeeper launcher and the fault-injecting
 * TCP proxy, driven with raw jute frames so nothing here depends on our client.
 */
import { existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectRequest, ConnectResponse, FrameReader, OpCode, ReplyHeader, RequestHeader, Xid, decode, encode, frame, JuteReader } from '../../src/jute/index.js';
import { apacheZooKeeperAvailable, fourLetterWord, startApacheZooKeeper, startTcpProxy, type ApacheZooKeeper, type TcpProxy } from '../../src/testing/index.js';

const available = apacheZooKeeperAvailable();
if (!available) {
  if (process.env['CI'] === 'true') throw new Error('Apache ZooKeeper is required in CI: apt-get install -y zookeeper');
  console.warn('SKIPPING testing-kit tests: Apache ZooKeeper not installed (apt-get install -y zookeeper, or set ZOOKEEPER_HOME)');
}

const TICK_MS = 500;
const REQUESTED_TIMEOUT_MS = 4_000;

/** A raw TCP connection that collects frames and lets a test wait for the next one. */
class RawConnection {
  private readonly frames: Buffer[] = [];
  private readonly reader = new FrameReader();
  private wake: (() => void) | undefined;
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.frames.push(...this.reader.push(chunk));
      this.wake?.();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static open(host: string, port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      socket.once('connect', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  send(body: Buffer): void {
    this.socket.write(frame(body));
  }

  /** The next frame body, or undefined if none arrives within `timeoutMs` (or the socket closes). */
  async next(timeoutMs: number): Promise<Buffer | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0 && Date.now() < deadline && !this.socket.destroyed) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => {
          this.wake = resolve;
          timer = setTimeout(resolve, deadline - Date.now());
        }),
        this.closed,
      ]);
      clearTimeout(timer);
      this.wake = undefined;
    }
    return this.frames.shift();
  }

  /** Sends a new-session ConnectRequest and returns the decoded ConnectResponse. */
  async handshake(): Promise<ConnectResponse> {
    this.send(encode(ConnectRequest, { protocolVersion: 0, lastZxidSeen: 0n, timeOut: REQUESTED_TIMEOUT_MS, sessionId: 0n, passwd: new Uint8Array(16), readOnly: false }));
    const reply = await this.next(10_000);
    if (reply === undefined) throw new Error('no ConnectResponse');
    return decode(ConnectResponse, reply);
  }

  close(): void {
    this.socket.destroy();
  }
}

function pingBody(): Buffer {
  return encode(RequestHeader, { xid: Xid.ping, type: OpCode.ping });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!available)('testing kit against Apache ZooKeeper', () => { // requires Apache ZooKeeper; skips only outside CI
  let zk: ApacheZooKeeper;
  let proxy: TcpProxy;
  const open: RawConnection[] = [];

  async function openVia(target: { host: string; port: number }): Promise<RawConnection> {
    const connection = await RawConnection.open(target.host, target.port);
    open.push(connection);
    return connection;
  }

  beforeAll(async () => {
    zk = await startApacheZooKeeper({ tickTimeMs: TICK_MS });
    proxy = await startTcpProxy(zk, { record: true });
  });

  afterAll(async () => {
    for (const connection of open) connection.close();
    await proxy?.close();
    await zk?.stop();
  });

  it('answers ruok with imok on a raw socket', async () => {
    expect(await fourLetterWord(zk.host, zk.port, 'ruok')).toBe('imok');
    expect(zk.connectString).toBe(`127.0.0.1:${zk.port}`);
  });

  it('forwards a handshake through the proxy and records its frames', async () => {
    const before = proxy.connections.length;
    const connection = await openVia(proxy);
    const response = await connection.handshake();
    expect(response.sessionId).not.toBe(0n);
    // Requested 4000 ms lies inside [2, 20] ticks of 500 ms, so it is granted as asked.
    expect(response.timeOut).toBe(REQUESTED_TIMEOUT_MS);
    expect(response.passwd?.length).toBe(16);

    const recorded = proxy.connections[before];
    expect(recorded?.clientToServer.length).toBe(1);
    const sent = recorded?.clientToServer[0] as Buffer;
    expect(sent.readInt32BE(0)).toBe(sent.length - 4);
    expect(decode(ConnectRequest, sent.subarray(4)).timeOut).toBe(REQUESTED_TIMEOUT_MS);
    expect(recorded?.serverToClient.length).toBe(1);
  });

  it('dropConnections() closes the client side of every proxied connection', async () => {
    const connection = await openVia(proxy);
    await connection.handshake();
    proxy.dropConnections();
    await connection.closed;
    expect(connection.socket.destroyed).toBe(true);
  });

  it('pause() black-holes traffic and resume() delivers what was held', async () => {
    const connection = await openVia(proxy);
    await connection.handshake();
    proxy.pause();
    try {
      connection.send(pingBody());
      // Asserting absence: nothing may arrive while paused.
      expect(await connection.next(300)).toBeUndefined();
    } finally {
      proxy.resume();
    }
    const reply = await connection.next(10_000);
    expect(reply).toBeDefined();
    const header = ReplyHeader.read(new JuteReader(reply as Buffer));
    expect(header.xid).toBe(Xid.ping);
    expect(header.err).toBe(0);
  });

  it('stop() ends the JVM, removes its directory and can be called twice', async () => {
    const own = await startApacheZooKeeper({ tickTimeMs: TICK_MS });
    try {
      expect(processAlive(own.pid)).toBe(true);
      expect(existsSync(own.dataDir)).toBe(true);
    } finally {
      await own.stop();
    }
    await own.stop();
    expect(processAlive(own.pid)).toBe(false);
    expect(existsSync(own.dataDir)).toBe(false);
  });

  it('rejects a failed start with the exit status and the server output', async () => {
    await expect(startApacheZooKeeper({ extraConfig: { tickTime: 'not-a-number' } })).rejects.toThrow(/exit code \d+[\s\S]*Last output:/);
  });
});
