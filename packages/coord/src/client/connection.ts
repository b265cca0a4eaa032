import net from 'node:net';
import { ConnectionLossError, CoordError, MarshallingError } from '../errors/errors.js';
import { decode, encode } from '../jute/codec.js';
import { FrameReader, frame } from '../jute/frame-reader.js';
import { OpCode, Xid } from '../jute/opcodes.js';
import { JuteReader } from '../jute/reader.js';
import { ConnectRequest, ConnectResponse } from '../jute/records/connect.js';
import { ReplyHeader, RequestHeader, WatcherEvent } from '../jute/records/headers.js';
import { JuteWriter } from '../jute/writer.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import type { HostAddress } from './connect-string.js';

/** A request written to the socket, waiting for its reply (replies come back in xid order). */
export interface InFlight {
  readonly xid: number;
  readonly opcode: number;
  /** Called with the reply's error code and a reader positioned at the reply body. */
  reply(err: number, zxid: bigint, body: JuteReader): void;
  /** Called when the connection dies before the reply arrives. */
  fail(error: CoordError): void;
}

/**
 * A request body: bytes encoded up front, or a function that encodes it straight into the
 * connection's outgoing batch (one encode, no intermediate buffers). Such a function must not
 * throw for any value it can be given; callers whose arguments may fail to encode pass bytes.
 */
export type RequestBody = Uint8Array | ((w: JuteWriter) => void) | undefined;

/** A batch that grew past this (a large setData) is not kept for reuse after its flush. */
const MAX_RETAINED_BATCH_BYTES = 64 * 1024;

export interface ConnectionEvents {
  notification(event: WatcherEvent, zxid: bigint): void;
  authReply(err: number): void;
  /** Any frame with a zxid > 0 (the client remembers the highest it has seen). */
  zxid(zxid: bigint): void;
  /** Exactly once, when the connection ends for any reason. */
  closed(reason: CoordError): void;
}

export interface OpenOptions {
  readonly address: HostAddress;
  readonly request: ConnectRequest;
  readonly connectTimeoutMs: number;
  readonly maxFrameBytes: number;
  readonly clock: Clock;
  /** Abandons the attempt (the client is closing): the socket is destroyed and open() rejects. */
  readonly signal?: AbortSignal;
}

/**
 * One TCP connection to one server: the handshake, framing, the in-flight queue, pings and
 * the read timeout. Socket handlers never throw: a malformed frame or an out-of-order reply
 * closes the connection with a typed error, and the session layer reconnects.
 */
export class ClientConnection {
  private readonly inFlight: InFlight[] = [];
  private readonly early: Buffer[] = [];
  private readonly frames: FrameReader;
  private events: ConnectionEvents | undefined;
  private closedWith: CoordError | undefined;
  private timer: TimerHandle | undefined;
  private lastSendMs: number;
  private lastRecvMs: number;
  /**
   * Frames written this tick, sent with one socket.write on the next tick: pipelined requests
   * leave in one segment without a stream write (and a writev entry) per request.
   */
  private batch = new JuteWriter(8192);
  private readonly flushBatch = (): void => this.flush();
  private pingIntervalMs = 0;
  private readTimeoutMs = 0;

  private constructor(
    private readonly socket: net.Socket,
    readonly address: HostAddress,
    private readonly clock: Clock,
    maxFrameBytes: number,
  ) {
    this.frames = new FrameReader(maxFrameBytes);
    this.lastSendMs = clock.now();
    this.lastRecvMs = clock.now();
  }

  /** Connects and performs the handshake. Rejects with ConnectionLossError on any failure. */
  static open(options: OpenOptions): Promise<{ connection: ClientConnection; response: ConnectResponse }> {
    const { address, clock } = options;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: address.host, port: address.port });
      socket.setNoDelay(true);
      const connection = new ClientConnection(socket, address, clock, options.maxFrameBytes);
      let settled = false;
      const fail = (why: string, cause?: unknown) => {
        if (settled) return;
        settled = true;
        timeout.cancel();
        options.signal?.removeEventListener('abort', onAbort);
        socket.destroy();
        reject(new ConnectionLossError({ message: `connecting to ${address.host}:${address.port}: ${why}`, cause }));
      };
      const timeout = clock.setTimeout(() => fail(`no handshake within ${options.connectTimeoutMs} ms`), options.connectTimeoutMs);
      const onAbort = () => fail('attempt abandoned (the client is closing)');
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.signal?.aborted === true) onAbort();
      socket.once('connect', () => {
        socket.write(frame(encode(ConnectRequest, options.request)));
      });
      const onHandshakeData = (chunk: Buffer) => {
        let frames: Buffer[];
        try {
          frames = connection.frames.push(chunk);
        } catch (err) {
          fail('malformed handshake frame', err);
          return;
        }
        const first = frames[0];
        if (first === undefined) return;
        let response: ConnectResponse;
        try {
          response = decode(ConnectResponse, first);
        } catch (err) {
          fail('malformed ConnectResponse', err);
          return;
        }
        settled = true;
        timeout.cancel();
        options.signal?.removeEventListener('abort', onAbort);
        socket.off('data', onHandshakeData);
        socket.off('error', onEarlyError);
        socket.off('close', onEarlyClose);
        connection.lastRecvMs = clock.now();
        resolve({ connection, response });
        // Frames that arrived in the same chunk as the handshake belong to the session.
        connection.early.push(...frames.slice(1));
      };
      const onEarlyError = (err: Error) => fail(err.message, err);
      const onEarlyClose = () => fail('server closed the connection during the handshake');
      socket.on('data', onHandshakeData);
      socket.on('error', onEarlyError);
      socket.on('close', onEarlyClose);
    });
  }

  /** Starts the session phase: event delivery, pings at a third of the timeout, read timeout at two thirds. */
  start(events: ConnectionEvents, negotiatedTimeoutMs: number): void {
    this.events = events;
    this.readTimeoutMs = Math.max(1, Math.floor((negotiatedTimeoutMs * 2) / 3));
    this.pingIntervalMs = Math.max(1, Math.min(Math.floor(this.readTimeoutMs / 2), 10_000));
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (err) => this.close(new ConnectionLossError({ message: `connection to ${this.describe()} failed: ${err.message}`, cause: err })));
    this.socket.on('close', () => this.close(new ConnectionLossError({ message: `connection to ${this.describe()} closed` })));
    this.armTimer();
    for (const f of this.early.splice(0)) this.handleFrame(f);
  }

  get isClosed(): boolean {
    return this.closedWith !== undefined;
  }

  /** When the last byte arrived from the server (for client-side expiry detection). */
  get lastReceiveMs(): number {
    return this.lastRecvMs;
  }

  get inFlightCount(): number {
    return this.inFlight.length;
  }

  describe(): string {
    return `${this.address.host}:${this.address.port}`;
  }

  /**
   * Writes a request that expects an in-order reply. Throws (and queues nothing) only if a body
   * function throws; the frame is then rolled back.
   */
  sendRequest(request: InFlight, body: RequestBody): void {
    if (this.closedWith !== undefined) {
      request.fail(this.closedWith);
      return;
    }
    this.write(request.xid, request.opcode, body);
    this.inFlight.push(request);
  }

  /** Writes a frame with a reserved xid (auth, setWatches, ping); its reply is not queued. */
  sendSpecial(xid: number, opcode: number, body: Uint8Array | undefined): void {
    if (this.closedWith !== undefined) return;
    this.write(xid, opcode, body);
  }

  private write(xid: number, opcode: number, body: RequestBody): void {
    const w = this.batch;
    const start = w.length;
    // Length prefix first, patched once the body's size is known.
    w.int(0);
    RequestHeader.write(w, { xid, type: opcode });
    if (typeof body === 'function') {
      try {
        body(w);
      } catch (err) {
        w.truncate(start);
        throw err;
      }
    } else if (body !== undefined) {
      w.raw(body);
    }
    w.patchInt(start, w.length - start - 4);
    if (start === 0) process.nextTick(this.flushBatch);
    this.lastSendMs = this.clock.now();
  }

  /** Sends this tick's frames. Frames of a connection closed meanwhile are dropped, as corked writes were. */
  private flush(): void {
    const w = this.batch;
    if (w.length === 0) return;
    if (this.closedWith === undefined) this.socket.write(w.toBuffer());
    if (w.length > MAX_RETAINED_BATCH_BYTES) this.batch = new JuteWriter(8192);
    else w.truncate(0);
  }

  /** Closes the socket and fails every in-flight request. Idempotent. */
  close(reason: CoordError = new ConnectionLossError({ message: 'connection closed by the client' })): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = reason;
    this.timer?.cancel();
    this.socket.destroy();
    const pending = this.inFlight.splice(0);
    for (const request of pending) request.fail(reason);
    this.events?.closed(reason);
  }

  private onData(chunk: Buffer): void {
    if (this.closedWith !== undefined) return;
    this.lastRecvMs = this.clock.now();
    let frames: Buffer[];
    try {
      frames = this.frames.push(chunk);
    } catch (err) {
      this.close(new MarshallingError({ message: `bad frame from ${this.describe()}: ${(err as Error).message}`, cause: err }));
      return;
    }
    for (const f of frames) {
      if (this.closedWith !== undefined) return;
      this.handleFrame(f);
    }
  }

  private handleFrame(body: Buffer): void {
    try {
      const reader = new JuteReader(body);
      const header = ReplyHeader.read(reader);
      switch (header.xid) {
        case Xid.notification:
          this.events?.notification(WatcherEvent.read(reader), header.zxid);
          return;
        case Xid.ping:
        case Xid.setWatches:
          return;
        case Xid.auth:
          this.events?.authReply(header.err);
          return;
        default:
          break;
      }
      const expected = this.inFlight.shift();
      if (expected === undefined || expected.xid !== header.xid) {
        this.close(new ConnectionLossError({ message: `xid out of order from ${this.describe()}: got ${header.xid}, expected ${expected?.xid ?? 'none'}` }));
        if (expected !== undefined) expected.fail(new ConnectionLossError({ message: 'xid out of order' }));
        return;
      }
      // Only replies to requests move lastZxid, as in the Java client: a ping answered by a
      // server that is further ahead must not make us refuse a lagging one on reconnect.
      if (header.zxid > 0n) this.events?.zxid(header.zxid);
      expected.reply(header.err, header.zxid, reader);
    } catch (err) {
      this.close(err instanceof CoordError ? err : new MarshallingError({ message: `bad reply from ${this.describe()}`, cause: err }));
    }
  }

  private armTimer(): void {
    this.timer?.cancel();
    if (this.closedWith !== undefined) return;
    const now = this.clock.now();
    const readDeadline = this.lastRecvMs + this.readTimeoutMs;
    const pingAt = this.lastSendMs + this.pingIntervalMs;
    const wait = Math.max(1, Math.min(readDeadline, pingAt) - now);
    this.timer = this.clock.setTimeout(() => this.onTimer(), wait);
  }

  private onTimer(): void {
    if (this.closedWith !== undefined) return;
    const now = this.clock.now();
    if (now - this.lastRecvMs >= this.readTimeoutMs) {
      this.close(new ConnectionLossError({ message: `no reply from ${this.describe()} for ${now - this.lastRecvMs} ms (read timeout ${this.readTimeoutMs} ms)` }));
      return;
    }
    if (now - this.lastSendMs >= this.pingIntervalMs) this.sendSpecial(Xid.ping, OpCode.ping, undefined);
    this.armTimer();
  }
}
