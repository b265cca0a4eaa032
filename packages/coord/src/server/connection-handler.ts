import type net from 'node:net';
import { MarshallingError } from '../errors/errors.js';
import { decode } from '../jute/codec.js';
import { FrameReader, frame } from '../jute/frame-reader.js';
import { JuteReader } from '../jute/reader.js';
import { ConnectRequest, ConnectResponse } from '../jute/records/connect.js';
import type { Id } from '../jute/records/data.js';
import { RequestHeader } from '../jute/records/headers.js';
import { encode } from '../jute/codec.js';
import type { ClientLink, ConnectAnswer, ServerCore } from './zk-server.js';
import { ConnectionRecorder } from './admin/server-stats.js';

export interface ConnectionOptions {
  readonly maxFrameBytes: number;
  /** Answers a four-letter word, or undefined when `word` is not one. */
  readonly fourLetterWord: (word: string) => string | undefined;
  /** A connection must finish its handshake within this long. */
  readonly handshakeTimeoutMs: number;
  /** Bytes queued for a slow reader before we stop reading its requests. */
  readonly maxQueuedBytes: number;
  readonly log: (level: 'debug' | 'info' | 'warn', message: string) => void;
  readonly onClosed: (connection: ServerConnection) => void;
}

const CLOSE_GRACE_MS = 1000;

/**
 * The only socket code of the server: framing, the handshake, and handing requests to the
 * core. It never throws: a bad frame, a bad record or a handler failure closes this
 * connection and leaves every other session alone.
 */
export class ServerConnection implements ClientLink {
  sessionId = 0n;
  readonly authIds: Id[];
  readonly stats = new ConnectionRecorder(Date.now());
  readonly remoteAddress: string;
  private readonly frames: FrameReader;
  private handshaken = false;
  /** The ConnectRequest is being answered (a new session waits for its txn): later frames wait. */
  private handshakePending = false;
  private head: Buffer | undefined = Buffer.alloc(0);
  private closed = false;
  private corked = false;
  private pausedForBackpressure = false;
  private readonly queued: Buffer[] = [];
  private readonly handshakeTimer: NodeJS.Timeout;

  constructor(
    readonly id: number,
    private readonly socket: net.Socket,
    private readonly core: ServerCore,
    private readonly options: ConnectionOptions,
  ) {
    this.remoteAddress = (socket.remoteAddress ?? '0.0.0.0').replace(/^::ffff:(?=\d+\.)/, '');
    this.authIds = [{ scheme: 'ip', id: this.remoteAddress }];
    this.frames = new FrameReader(options.maxFrameBytes);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.close(`socket error: ${err.message}`));
    socket.on('close', () => this.close('client closed the connection'));
    socket.on('drain', () => {
      if (!this.pausedForBackpressure || this.closed) return;
      this.pausedForBackpressure = false;
      this.processQueued();
      if (!this.pausedForBackpressure) socket.resume();
    });
    // A connection that never completes the handshake holds no session and must not linger
    // (ZooKeeper's sessionlessCnxnTimeout).
    this.handshakeTimer = setTimeout(() => {
      core.stats.increment('sessionless_connections_expired');
      this.close(`no handshake within ${options.handshakeTimeoutMs} ms`, true);
    }, options.handshakeTimeoutMs);
    this.handshakeTimer.unref();
    core.attach(this);
  }

  /** Requests read but not yet processed (they wait while the client is not reading replies). */
  get queuedRequests(): number {
    return this.queued.length;
  }

  get remotePort(): number {
    return this.socket.remotePort ?? 0;
  }

  /** True while input is paused because the client is not reading its replies. */
  get pausedForSlowReader(): boolean {
    return this.pausedForBackpressure;
  }

  describe(): string {
    return `${this.remoteAddress}:${this.socket.remotePort ?? 0} session 0x${this.sessionId.toString(16)}`;
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    if (this.head !== undefined) {
      // Four-letter words are recognised only as the first four bytes of a new connection.
      this.head = Buffer.concat([this.head, chunk]);
      if (this.head.length < 4) return;
      chunk = this.head;
      this.head = undefined;
      const answer = this.options.fourLetterWord(chunk.subarray(0, 4).toString('latin1'));
      if (answer !== undefined) {
        this.socket.end(answer);
        this.close('four-letter word answered');
        return;
      }
    }
    let frames: Buffer[];
    try {
      frames = this.frames.push(chunk);
    } catch (err) {
      // Replies already queued still go out; then the connection closes ("Len error").
      this.options.log('warn', `closing ${this.describe()}: ${(err as Error).message}`);
      this.processQueued();
      this.close('bad frame length');
      return;
    }
    this.stats.packetsReceived += frames.length;
    this.core.stats.increment('bytes_received_count', chunk.length);
    this.queued.push(...frames);
    this.processQueued();
  }

  /**
   * Runs queued requests until none is left or the client stops reading its replies: then the
   * rest wait for 'drain', so a burst of requests in one read cannot queue unbounded output.
   */
  private processQueued(): void {
    while (!this.closed && !this.pausedForBackpressure && !this.handshakePending) {
      const body = this.queued.shift();
      if (body === undefined) return;
      try {
        if (this.handshaken) this.onRequest(body);
        else this.onConnect(body);
      } catch (err) {
        const what = err instanceof MarshallingError ? 'malformed request' : 'request failed';
        this.options.log('warn', `closing ${this.describe()}: ${what}: ${(err as Error).message}`);
        this.close(what);
        return;
      }
    }
  }

  private onConnect(body: Buffer): void {
    const request = decode(ConnectRequest, body);
    this.handshakePending = true;
    let answeredAt: 'now' | 'later' | undefined;
    this.core.connect(this, request, (response) => {
      this.handshakePending = false;
      this.onConnectAnswer(request, response);
      // Frames that arrived behind the handshake (a client's SetWatches, auth) run now.
      if (answeredAt === 'later') this.processQueued();
      else answeredAt = 'now';
    });
    if (answeredAt === undefined) answeredAt = 'later';
  }

  private onConnectAnswer(request: ConnectRequest, response: ConnectAnswer | undefined): void {
    if (response === undefined || this.closed) return;
    // Answer in the shape we were asked: no readOnly byte for clients that sent none.
    const readOnly = request.readOnly === undefined ? undefined : false;
    // Through the core: a new session's handshake waits until its createSession txn is durable.
    const { barrier, ...fields } = response;
    this.core.reply(this, encode(ConnectResponse, { protocolVersion: 0, ...fields, readOnly }), barrier);
    if (response.timeOut === 0) {
      this.core.closeAfterOutput(this, 'session expired or unknown');
      return;
    }
    this.handshaken = true;
    clearTimeout(this.handshakeTimer);
  }

  private onRequest(body: Buffer): void {
    const reader = new JuteReader(body);
    const header = RequestHeader.read(reader);
    this.core.request(this, header.xid, header.type, reader);
  }

  send(body: Buffer): void {
    if (this.closed) return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(frame(body));
    this.stats.packetsSent++;
    // A client that does not read its replies must not make us buffer without bound.
    if (this.socket.writableLength > this.options.maxQueuedBytes && !this.pausedForBackpressure) {
      this.pausedForBackpressure = true;
      this.socket.pause();
    }
  }

  /** Flushes what was sent, then closes; `abort` drops the socket at once. */
  close(reason: string, abort = false): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.handshakeTimer);
    this.queued.length = 0;
    this.core.detach(this);
    this.options.onClosed(this);
    if (abort) {
      this.options.log('debug', `dropped ${this.describe()}: ${reason}`);
      this.socket.destroy();
      return;
    }
    this.socket.end();
    const timer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
    timer.unref();
    this.socket.once('close', () => clearTimeout(timer));
    this.options.log('debug', `closed ${this.describe()}: ${reason}`);
  }
}
