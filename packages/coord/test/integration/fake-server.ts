/**
 * A scriptable fake ZooKeeper server for the client's integration tests: a node:net server on a
 * loopback port that speaks raw jute frames, so a test can make it misbehave deterministically
 * (hold the handshake, never answer, send garbage, answer out of order, stop answering pings).
 *
 * By default it behaves like a small, well-mannered server: it accepts every handshake with a
 * fixed session, answers pings, auth packets and SetWatches, closes the session on closeSession,
 * and answers every other request with NONODE (so `exists()` resolves null). Tests override the
 * handshake (`accept`) or the replies (`respond`) at any time; both are plain mutable fields.
 */
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, expect } from 'vitest';
import { createClient, type ClientOptions, type CoordClient } from '../../src/index.js';
import { createServer, type Server, type Socket } from 'node:net';
import { ErrorCode } from '../../src/errors/codes.js';
import {
  ConnectRequest,
  ConnectResponse,
  FrameReader,
  JuteReader,
  OpCode,
  ReplyHeader,
  RequestHeader,
  Stat,
  WatcherEvent,
  Xid,
  decode,
  encode,
  frame,
  type Codec,
} from '../../src/jute/index.js';

const HOST = '127.0.0.1';
const DEFAULT_WAIT_MS = 5_000;

/** One request frame the client sent after the handshake. */
export interface ReceivedRequest {
  readonly xid: number;
  readonly type: number;
  /** The request record (after the RequestHeader). */
  readonly body: Buffer;
  /** The whole frame body, header included, without the length prefix. */
  readonly raw: Buffer;
}

/** How the fake server answers a ConnectRequest. `readOnly: undefined` omits the trailing byte. */
export interface AcceptOptions {
  readonly sessionId?: bigint;
  readonly timeOut?: number;
  readonly passwd?: Uint8Array;
  readonly readOnly?: boolean | undefined;
  /** Bytes written in the same write() as the ConnectResponse, straight after it. */
  readonly trailing?: Uint8Array;
}

/** A reply to one request: header fields and an optional body (omitted when err != 0, as ZooKeeper does). */
export interface Reply {
  readonly err?: number;
  readonly zxid?: bigint;
  readonly body?: Uint8Array;
}

/**
 * Decides the answer to one request: a Reply, 'hold' (no answer now; the test may call
 * connection.reply() later), or 'default' (the built-in behaviour described above).
 */
export type Responder = (request: ReceivedRequest, connection: FakeConnection) => Reply | 'hold' | 'default';

export const DEFAULT_SESSION_ID = 0x1_0000_0000_abcdn;
export const DEFAULT_PASSWORD = new Uint8Array(16).fill(7);
export const DEFAULT_TIMEOUT_MS = 4_000;

/** A Stat whose fields are all derived from one zxid, handy for telling replies apart. */
export function statFor(zxid: bigint): Stat {
  return { czxid: zxid, mzxid: zxid, ctime: 1n, mtime: 1n, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0n, dataLength: 0, numChildren: 0, pzxid: zxid };
}

/** Reads one jute record from a request body, insisting that nothing is left over. */
export function decodeBody<T>(codec: Codec<T>, request: ReceivedRequest): T {
  return decode(codec, request.body);
}

/** The server side of one accepted TCP connection. */
export class FakeConnection {
  /** Every request received after the handshake, pings included, in arrival order. */
  readonly requests: ReceivedRequest[] = [];
  /** Resolves with the client's ConnectRequest (the first frame). */
  readonly connectRequest: Promise<ConnectRequest>;
  /** Resolves when the socket has closed, from either side. */
  readonly closed: Promise<void>;
  /** True once the ConnectResponse was written. */
  accepted = false;
  private readonly reader: FrameReader;
  private readonly signal = new EventEmitter();
  private cursor = 0;
  private resolveConnect!: (request: ConnectRequest) => void;
  private rejectConnect!: (error: Error) => void;
  private isClosed = false;

  constructor(
    readonly socket: Socket,
    private readonly server: FakeServer,
  ) {
    this.reader = new FrameReader(4 * 1024 * 1024);
    this.connectRequest = new Promise<ConnectRequest>((resolve, reject) => {
      this.resolveConnect = resolve;
      this.rejectConnect = reject;
    });
    // A test that never looks at the ConnectRequest must not see an unhandled rejection.
    this.connectRequest.catch(() => undefined);
    this.closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.isClosed = true;
      this.rejectConnect(new Error('connection closed before a ConnectRequest arrived'));
      this.signal.emit('change');
    });
    let gotConnect = false;
    socket.on('data', (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = this.reader.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      try {
        for (const body of frames) {
          if (!gotConnect) {
            gotConnect = true;
            const request = decode(ConnectRequest, body);
            this.resolveConnect(request);
            this.server.onConnectRequest(this, request);
            continue;
          }
          const r = new JuteReader(body);
          const header = RequestHeader.read(r);
          const request: ReceivedRequest = { xid: header.xid, type: header.type, body: Buffer.from(r.rest()), raw: Buffer.from(body) };
          this.requests.push(request);
          this.server.onRequest(this, request);
        }
      } catch (err) {
        // A frame the fake cannot read is a bug in the client under test: record it and hang up.
        this.server.protocolErrors.push(err);
        socket.destroy();
      }
      this.signal.emit('change');
    });
  }

  get destroyed(): boolean {
    return this.isClosed || this.socket.destroyed;
  }

  /** Writes the ConnectResponse (plus any trailing bytes) in one write. */
  accept(options: AcceptOptions = {}): void {
    const response: ConnectResponse = {
      protocolVersion: 0,
      timeOut: options.timeOut ?? DEFAULT_TIMEOUT_MS,
      sessionId: options.sessionId ?? DEFAULT_SESSION_ID,
      passwd: options.passwd ?? DEFAULT_PASSWORD,
      readOnly: 'readOnly' in options ? options.readOnly : false,
    };
    const bytes = frame(encode(ConnectResponse, response));
    this.accepted = true;
    this.write(options.trailing === undefined ? bytes : Buffer.concat([bytes, options.trailing]));
  }

  /** The "expired or invalid session" answer: timeOut 0, sessionId 0, a zero password. */
  rejectExpired(): void {
    this.accept({ timeOut: 0, sessionId: 0n, passwd: new Uint8Array(16) });
  }

  reply(xid: number, reply: Reply = {}): void {
    const err = reply.err ?? ErrorCode.OK;
    const header = encode(ReplyHeader, { xid, zxid: reply.zxid ?? this.server.zxid, err });
    this.write(frame(reply.body === undefined ? header : Buffer.concat([header, reply.body])));
  }

  /** A watch notification (xid -1). */
  notify(type: number, path: string, zxid: bigint = this.server.zxid): void {
    this.write(frame(Buffer.concat([encode(ReplyHeader, { xid: Xid.notification, zxid, err: 0 }), encode(WatcherEvent, { type, state: 3, path })])));
  }

  write(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  destroy(): void {
    this.socket.destroy();
  }

  /**
   * The next request not yet returned by next(), waiting for it if need be. Pings are skipped
   * unless `includePings`; the wait fails after `timeoutMs` or when the socket closes.
   */
  async next(options: { timeoutMs?: number; includePings?: boolean } = {}): Promise<ReceivedRequest> {
    const found = await this.waitFor(() => {
      while (this.cursor < this.requests.length) {
        const r = this.requests[this.cursor++] as ReceivedRequest;
        if (options.includePings === true || r.xid !== Xid.ping) return r;
      }
      return undefined;
    }, options.timeoutMs ?? DEFAULT_WAIT_MS, 'the next request');
    return found;
  }

  /** Waits until `check` returns a value (re-checked on every frame and on close). */
  waitFor<T>(check: () => T | undefined, timeoutMs = DEFAULT_WAIT_MS, what = 'a condition'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const attempt = (): boolean => {
        const value = check();
        if (value !== undefined) {
          done();
          resolve(value);
          return true;
        }
        if (this.isClosed) {
          done();
          reject(new Error(`fake server connection closed while waiting for ${what}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`fake server: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onChange = () => void attempt();
      const done = () => {
        clearTimeout(timer);
        this.signal.off('change', onChange);
      };
      this.signal.on('change', onChange);
      attempt();
    });
  }
}

export interface FakeServerOptions {
  /** Listen on this port (e.g. one a client is already trying); default a free one. */
  readonly port?: number;
  /** Answer every ConnectRequest at once with these options (default), or false to leave it to the test. */
  readonly accept?: AcceptOptions | false;
  readonly respond?: Responder;
  /** Answer pings (default true). */
  readonly answerPings?: boolean;
}

export class FakeServer {
  readonly connections: FakeConnection[] = [];
  /** Frames from the client that did not decode (should stay empty). */
  readonly protocolErrors: unknown[] = [];
  /** The zxid put into reply headers unless a Reply names its own. */
  zxid = 0x10n;
  accept: AcceptOptions | false;
  respond: Responder | undefined;
  answerPings: boolean;
  private readonly signal = new EventEmitter();
  private cursor = 0;
  private readonly server: Server;

  private constructor(
    server: Server,
    readonly port: number,
    options: FakeServerOptions,
  ) {
    this.server = server;
    this.accept = options.accept ?? {};
    this.respond = options.respond;
    this.answerPings = options.answerPings ?? true;
    server.on('connection', (socket) => {
      socket.setNoDelay(true);
      this.connections.push(new FakeConnection(socket, this));
      this.signal.emit('change');
    });
  }

  static async start(options: FakeServerOptions = {}): Promise<FakeServer> {
    const server = createServer();
    server.on('error', () => undefined);
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: HOST, port: options.port ?? 0 }, () => {
        server.off('error', reject);
        const address = server.address();
        if (address === null || typeof address === 'string') reject(new Error('fake server has no TCP address'));
        else resolve(address.port);
      });
    });
    return new FakeServer(server, port, options);
  }

  get host(): string {
    return HOST;
  }

  get connectString(): string {
    return `${HOST}:${this.port}`;
  }

  /** Every request received on every connection, in order per connection. */
  allRequests(): ReceivedRequest[] {
    return this.connections.flatMap((c) => c.requests);
  }

  /** The next connection not yet returned by nextConnection(), waiting for it if need be. */
  nextConnection(timeoutMs = DEFAULT_WAIT_MS): Promise<FakeConnection> {
    return new Promise<FakeConnection>((resolve, reject) => {
      const attempt = () => {
        const c = this.connections[this.cursor];
        if (c === undefined) return;
        this.cursor++;
        done();
        resolve(c);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`fake server on port ${this.port}: no new connection within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.signal.off('change', attempt);
      };
      this.signal.on('change', attempt);
      attempt();
    });
  }

  /** @internal called by FakeConnection. */
  onConnectRequest(connection: FakeConnection, _request: ConnectRequest): void {
    if (this.accept !== false) connection.accept(this.accept);
  }

  /** @internal called by FakeConnection. */
  onRequest(connection: FakeConnection, request: ReceivedRequest): void {
    const decided = this.respond?.(request, connection) ?? 'default';
    if (decided === 'hold') return;
    if (decided !== 'default') {
      connection.reply(request.xid, decided);
      return;
    }
    switch (request.type) {
      case OpCode.ping:
        if (this.answerPings) connection.reply(request.xid);
        return;
      case OpCode.auth:
        connection.reply(request.xid, { zxid: 0n });
        return;
      case OpCode.setWatches:
      case OpCode.setWatches2:
        connection.reply(request.xid);
        return;
      case OpCode.closeSession:
        connection.reply(request.xid);
        connection.socket.end();
        return;
      default:
        connection.reply(request.xid, { err: ErrorCode.NONODE });
    }
  }

  /** Stops listening and destroys every connection. Idempotent. */
  async close(): Promise<void> {
    for (const c of this.connections) c.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function startFakeServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  return FakeServer.start(options);
}

/**
 * Collects uncaught exceptions and unhandled rejections while installed: a socket handler that
 * throws shows up here instead of silently crashing (or being swallowed by) the test run.
 */
export function trackUncaught(): { readonly errors: unknown[]; dispose(): void } {
  const errors: unknown[] = [];
  const onError = (err: unknown) => void errors.push(err);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  return {
    errors,
    dispose() {
      process.off('uncaughtException', onError);
      process.off('unhandledRejection', onError);
    },
  };
}

/**
 * Teardown steps for afterEach, run in the order added. Tests add servers before clients, so
 * servers go first: a client then closes without a live connection, and never waits on a
 * closeSession reply that a scripted server would hold.
 */
export class Teardown {
  private readonly steps: (() => Promise<void> | void)[] = [];

  add<T extends { close(): Promise<void> | void }>(resource: T): T {
    this.steps.push(() => resource.close());
    return resource;
  }

  defer(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    for (const step of this.steps.splice(0)) await step();
  }
}

/** Resolves with the first value an event emits, or rejects after `timeoutMs`. */
export function nextEvent<T>(on: (listener: (value: T) => void) => void, off: (listener: (value: T) => void) => void, timeoutMs = DEFAULT_WAIT_MS, what = 'event'): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      off(listener);
      reject(new Error(`no ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (value: T) => {
      clearTimeout(timer);
      off(listener);
      resolve(value);
    };
    on(listener);
  });
}

/** `promise`, or a rejection naming `what` if it has not settled within `timeoutMs`. */
export function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * Per-test setup shared by the client fault tests: every fake server and client a test makes is
 * closed after it, and the test fails if anything was thrown out of a socket handler.
 */
export function useClientHarness(): {
  readonly teardown: Teardown;
  fakeServer(...args: Parameters<typeof startFakeServer>): Promise<FakeServer>;
  /** A client with a fixed host order and fast reconnects, closed after the test. */
  client(connectString: string, options?: ClientOptions): CoordClient;
} {
  const teardown = new Teardown();
  let uncaught: ReturnType<typeof trackUncaught>;
  beforeEach(() => {
    uncaught = trackUncaught();
  });
  afterEach(async () => {
    await teardown.run();
    uncaught.dispose();
    expect(uncaught.errors).toEqual([]);
  });
  return {
    teardown,
    fakeServer: async (...args) => teardown.add(await startFakeServer(...args)),
    client: (connectString, options = {}) =>
      teardown.add(createClient(connectString, { shuffleHosts: false, reconnectBackoff: { baseMs: 5, maxMs: 20 }, ...options })),
  };
}
