import { AuthFailedError, ClientClosedError, ConnectionLossError, type CoordError, RequestTimeoutError, SessionExpiredError } from '../errors/errors.js';
import { ErrorCode } from '../errors/codes.js';
import { encode } from '../jute/codec.js';
import { EventType, nameOf, OpCode, Xid } from '../jute/opcodes.js';
import { AuthPacket, type WatcherEvent } from '../jute/records/headers.js';
import { SetWatches, SetWatches2 } from '../jute/records/watches.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { stripChroot } from '../util/paths.js';
import { PendingCall, type RequestSpec } from './call.js';
import { ClientConnection } from './connection.js';
import type { ParsedConnectString } from './connect-string.js';
import { TypedEmitter } from './emitter.js';
import { describeHosts, HostProvider } from './host-provider.js';
import { batchWatchPaths, orderForReRegistration, WatchManager, type WatchPaths } from './watch-manager.js';
import type { ClientEvents, ConnectionState, DisconnectedPolicy, Watcher } from './types.js';

export type { RequestSpec } from './call.js';

export interface SessionSettings {
  readonly sessionTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly whenDisconnected: DisconnectedPolicy;
  readonly noServerTimeoutMs: number;
  readonly canBeReadOnly: boolean;
  readonly reconnectBackoff: { readonly baseMs: number; readonly maxMs: number };
  readonly maxFrameBytes: number;
  readonly clock: Clock;
  readonly random: () => number;
  readonly shuffleHosts: boolean;
}

interface AuthWaiter {
  readonly credential: { scheme: string; auth: Uint8Array };
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

const MAX_XID = 0x7fffffff;
const EMPTY_PASSWORD = new Uint8Array(16);

/**
 * The session: one logical ZooKeeper session carried over successive TCP connections. Owns
 * the state machine, the reconnect loop, the queue of calls waiting for a connection, the
 * credentials and the watch table that must be replayed on every new connection.
 */
export class Session extends TypedEmitter<ClientEvents> {
  readonly watches = new WatchManager();
  private readonly hosts: HostProvider;
  private readonly chroot: string | undefined;
  private current: ConnectionState = 'connecting';
  private connection: ClientConnection | undefined;
  private sessionIdValue = 0n;
  private password: Uint8Array = EMPTY_PASSWORD;
  private negotiatedMs = 0;
  private lastZxidValue = 0n;
  private nextXid = 1;
  private everConnected = false;
  private readonly waiting: PendingCall[] = [];
  private readonly credentials: { scheme: string; auth: Uint8Array }[] = [];
  private authWaiters: (AuthWaiter | undefined)[] = [];
  private closing: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  private lastHeardMs: number;
  private lastConnectedMs: number;
  private expiryTimer: TimerHandle | undefined;
  private noServerTimer: TimerHandle | undefined;
  private generation = 0;
  private readonly connectedWaiters = new Set<{ resolve: () => void; reject: (e: unknown) => void }>();

  constructor(
    target: ParsedConnectString,
    private readonly settings: SessionSettings,
    resume: { sessionId: bigint; password: Uint8Array } | undefined,
    credentials: readonly { scheme: string; auth: Uint8Array }[],
  ) {
    super((err) => this.reportError(err));
    this.chroot = target.chroot;
    this.hosts = new HostProvider(target.hosts, settings.shuffleHosts, settings.random);
    if (resume !== undefined) {
      this.sessionIdValue = resume.sessionId;
      this.password = resume.password;
    }
    this.credentials.push(...credentials);
    this.lastHeardMs = settings.clock.now();
    this.lastConnectedMs = settings.clock.now();
    this.armNoServerTimer();
    void this.run();
  }

  get state(): ConnectionState {
    return this.current;
  }
  get sessionId(): bigint {
    return this.sessionIdValue;
  }
  get sessionPassword(): Uint8Array {
    return this.password;
  }
  get negotiatedTimeoutMs(): number {
    return this.negotiatedMs;
  }
  get lastZxid(): bigint {
    return this.lastZxidValue;
  }
  get chrootPath(): string | undefined {
    return this.chroot;
  }
  get isConnected(): boolean {
    return this.connection !== undefined && !this.connection.isClosed;
  }
  get connectedHost(): string | undefined {
    return this.isConnected ? this.connection?.describe() : undefined;
  }

  /** Sends a request now, or queues it per the disconnected policy. */
  submit<T>(spec: RequestSpec<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.stopped) {
        reject(new ClientClosedError({ path: spec.path }));
        return;
      }
      if (spec.signal?.aborted) {
        reject(spec.signal.reason);
        return;
      }
      const q = new PendingCall(spec as RequestSpec<unknown>, resolve as (v: unknown) => void, reject, this.waiting);
      if (!this.isConnected) q.encodeBodyNow();
      const timeoutMs = spec.timeoutMs ?? this.settings.requestTimeoutMs;
      if (timeoutMs > 0) {
        const t = this.settings.clock.setTimeout(() => q.settle(new RequestTimeoutError({ path: spec.path, message: `no reply within ${timeoutMs} ms${spec.path === undefined ? '' : ` for ${spec.path}`}` })), timeoutMs);
        q.onSettle(() => t.cancel());
      }
      if (spec.signal !== undefined) {
        const signal = spec.signal;
        const onAbort = () => q.settle(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        q.onSettle(() => signal.removeEventListener('abort', onAbort));
      }
      if (this.isConnected) {
        this.send(q);
        return;
      }
      const policy = this.settings.whenDisconnected;
      if (policy === 'fail' && !this.isConnected) {
        q.settle(new ConnectionLossError({ path: spec.path, message: `not connected (whenDisconnected: 'fail')${spec.path === undefined ? '' : ` for ${spec.path}`}` }));
        return;
      }
      if (typeof policy === 'object' && !this.isConnected) {
        const t = this.settings.clock.setTimeout(() => q.settle(new ConnectionLossError({ path: spec.path, message: `not connected within ${policy.maxWaitMs} ms` })), policy.maxWaitMs);
        q.onSettle(() => t.cancel());
        q.stopWaiting = () => t.cancel();
      }
      this.waiting.push(q);
    });
  }

  /** Resolves when connected (or read-only), rejects on close or timeout. */
  waitForConnected(options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
    if (this.isConnected) return Promise.resolve();
    if (this.stopped) return Promise.reject(new ClientClosedError());
    return new Promise<void>((resolve, reject) => {
      const cleanups: (() => void)[] = [];
      const waiter = {
        resolve: () => {
          cleanups.forEach((c) => c());
          resolve();
        },
        reject: (e: unknown) => {
          cleanups.forEach((c) => c());
          reject(e);
        },
      };
      this.connectedWaiters.add(waiter);
      cleanups.push(() => this.connectedWaiters.delete(waiter));
      if (options.timeoutMs !== undefined) {
        const t = this.settings.clock.setTimeout(
          () => waiter.reject(new ConnectionLossError({ message: `not connected to ${describeHosts(this.hosts.all)} within ${options.timeoutMs} ms` })),
          options.timeoutMs,
        );
        cleanups.push(() => t.cancel());
      }
      if (options.signal !== undefined) {
        const signal = options.signal;
        const onAbort = () => waiter.reject(signal.reason);
        if (signal.aborted) onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        cleanups.push(() => signal.removeEventListener('abort', onAbort));
      }
    });
  }

  /** Adds a credential: sent now if connected, and on every later connection. */
  addAuth(scheme: string, auth: Uint8Array): Promise<void> {
    if (this.stopped) return Promise.reject(new ClientClosedError());
    const credential = { scheme, auth };
    this.credentials.push(credential);
    return new Promise<void>((resolve, reject) => {
      if (this.isConnected) {
        this.authWaiters.push({ credential, resolve, reject });
        this.connection?.sendSpecial(Xid.auth, OpCode.auth, encode(AuthPacket, { type: 0, scheme, auth }));
      } else {
        // Sent during the next handshake; settled by that reply.
        this.pendingAuth.push({ credential, resolve, reject });
      }
    });
  }
  private pendingAuth: AuthWaiter[] = [];

  /**
   * Test hook: hold the reconnect loop (no new connection attempts) until the returned
   * function is called. Lets the testing kit expire a session without racing the client.
   */
  holdReconnects(): () => void {
    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    this.reconnectHold = hold;
    return () => {
      if (this.reconnectHold === hold) this.reconnectHold = undefined;
      release();
    };
  }
  private reconnectHold: Promise<void> | undefined;

  /** Test hook: drop the current TCP connection as if the network failed. */
  dropConnection(): void {
    this.connection?.close(new ConnectionLossError({ message: 'connection dropped on purpose' }));
  }

  close(closeTimeoutMs = 2000): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    this.closing = (async () => {
      const connection = this.connection;
      if (connection !== undefined && !connection.isClosed && this.sessionIdValue !== 0n) {
        const closeReply = this.submit({ opcode: OpCode.closeSession, body: undefined, decode: () => undefined, timeoutMs: closeTimeoutMs });
        this.stopped = true;
        await closeReply.catch(() => undefined);
      }
      this.stopped = true;
      this.cancelTimers();
      this.connection?.close(new ClientClosedError());
      this.failWaiting(() => new ClientClosedError());
      this.failAuth(new ClientClosedError());
      for (const w of [...this.connectedWaiters]) w.reject(new ClientClosedError());
      this.wake?.();
      this.abandonAttempt?.();
      this.setState('closed');
    })();
    return this.closing;
  }

  // --- the reconnect loop ---------------------------------------------------------------

  private async run(): Promise<void> {
    let passes = 0;
    while (!this.stopped) {
      if (this.hosts.passComplete()) {
        const { baseMs, maxMs } = this.settings.reconnectBackoff;
        const capped = Math.min(maxMs, baseMs * 2 ** Math.min(passes, 16));
        await this.sleep(capped / 2 + this.settings.random() * (capped / 2));
        passes++;
        this.hosts.startPass();
        if (this.stopped) return;
      }
      if (this.reconnectHold !== undefined) await this.reconnectHold;
      if (this.stopped) return;
      const address = this.hosts.next();
      const generation = this.generation;
      let opened: Awaited<ReturnType<typeof ClientConnection.open>>;
      const attempt = new AbortController();
      this.abandonAttempt = () => attempt.abort();
      try {
        opened = await ClientConnection.open({
          signal: attempt.signal,
          address,
          connectTimeoutMs: this.settings.connectTimeoutMs,
          maxFrameBytes: this.settings.maxFrameBytes,
          clock: this.settings.clock,
          request: {
            protocolVersion: 0,
            lastZxidSeen: this.lastZxidValue,
            timeOut: this.settings.sessionTimeoutMs,
            sessionId: this.sessionIdValue,
            passwd: this.password,
            readOnly: this.settings.canBeReadOnly,
          },
        });
      } catch {
        this.checkClientSideExpiry();
        continue;
      } finally {
        this.abandonAttempt = undefined;
      }
      const { connection, response } = opened;
      if (this.stopped || generation !== this.generation) {
        connection.close();
        continue;
      }
      if (response.timeOut <= 0) {
        connection.close();
        this.loseSession(new SessionExpiredError({ message: `session 0x${this.sessionIdValue.toString(16)} expired (server ${connection.describe()})` }));
        continue;
      }
      // Listen for the end of this connection before starting it: frames that came in with the
      // handshake are handled inside start() and may already have closed it.
      const closed = new Promise<void>((resolve) => {
        this.connectionClosed = resolve;
      });
      if (this.onConnected(connection, response.sessionId, response.passwd ?? EMPTY_PASSWORD, response.timeOut, response.readOnly === true)) passes = 0;
      await closed;
      if (this.stopped) return;
      this.onDisconnected(connection);
    }
  }
  private connectionClosed: (() => void) | undefined;
  /** Aborts the connection attempt in progress, if any (close() must not leave it running until its timeout). */
  private abandonAttempt: (() => void) | undefined;

  /** Returns false when the connection broke while starting (it then never counts as connected). */
  private onConnected(connection: ClientConnection, sessionId: bigint, password: Uint8Array, timeoutMs: number, readOnly: boolean): boolean {
    this.sessionIdValue = sessionId;
    this.password = password;
    this.negotiatedMs = timeoutMs;
    this.connection = connection;
    this.lastConnectedMs = this.settings.clock.now();
    this.expiryTimer?.cancel();
    this.noServerTimer?.cancel();
    connection.start(
      {
        notification: (event, zxid) => this.onNotification(event, zxid),
        authReply: (err) => this.onAuthReply(err),
        zxid: (zxid) => {
          if (zxid > this.lastZxidValue) this.lastZxidValue = zxid;
        },
        closed: () => this.connectionClosed?.(),
      },
      timeoutMs,
    );
    // A malformed frame glued to the handshake closed it already: calls waiting for a connection
    // keep waiting for the next one, and the host does not count as a success.
    if (connection.isClosed) return false;
    this.hosts.connected();
    this.prime(connection);
    const first = !this.everConnected;
    this.everConnected = true;
    this.setState(readOnly ? 'readOnly' : first ? 'connected' : 'reconnected');
    for (const w of [...this.connectedWaiters]) w.resolve();
    // Calls queued while disconnected go out after auth and SetWatches, in the order they were made.
    for (const q of this.waiting.splice(0)) if (!q.settled) this.send(q);
    return true;
  }

  /** Credentials first, then watch re-registration (ClientCnxn.primeConnection order). */
  private prime(connection: ClientConnection): void {
    this.authWaiters = [];
    const pending = this.pendingAuth.splice(0);
    for (const credential of this.credentials) {
      const waiter = pending.find((p) => p.credential === credential);
      this.authWaiters.push(waiter);
      connection.sendSpecial(Xid.auth, OpCode.auth, encode(AuthPacket, { type: 0, scheme: credential.scheme, auth: credential.auth }));
    }
    this.sendSetWatches(connection, this.watches.paths());
  }

  /**
   * Re-registers the watches this client still holds on one path: after a removeWatches of
   * type Any, or (kinds ['child']) after a recursive watch was added there on a server that
   * keeps one mode per path.
   */
  reRegisterWatches(serverPath: string, kinds: readonly (keyof WatchPaths)[] = ['data', 'exist', 'child', 'persistent', 'persistentRecursive']): void {
    const connection = this.connection;
    if (connection === undefined || connection.isClosed) return;
    const all = this.watches.paths();
    const only = (kind: keyof WatchPaths) => (kinds.includes(kind) ? all[kind].filter((p) => p === serverPath) : []);
    this.sendSetWatches(connection, {
      data: only('data'),
      exist: only('exist'),
      child: only('child'),
      persistent: only('persistent'),
      persistentRecursive: only('persistentRecursive'),
    });
  }

  private sendSetWatches(connection: ClientConnection, paths: WatchPaths): void {
    for (const group of orderForReRegistration(paths)) this.sendSetWatchesGroup(connection, group);
  }

  private sendSetWatchesGroup(connection: ClientConnection, paths: WatchPaths): void {
    for (const batch of batchWatchPaths(paths)) {
      const persistent = batch.persistent.length + batch.persistentRecursive.length > 0;
      const body = persistent
        ? encode(SetWatches2, {
            relativeZxid: this.lastZxidValue,
            dataWatches: batch.data,
            existWatches: batch.exist,
            childWatches: batch.child,
            persistentWatches: batch.persistent,
            persistentRecursiveWatches: batch.persistentRecursive,
          })
        : encode(SetWatches, { relativeZxid: this.lastZxidValue, dataWatches: batch.data, existWatches: batch.exist, childWatches: batch.child });
      connection.sendSpecial(Xid.setWatches, persistent ? OpCode.setWatches2 : OpCode.setWatches, body);
    }
  }

  private onDisconnected(connection: ClientConnection): void {
    if (this.connection === connection) this.connection = undefined;
    this.lastHeardMs = connection.lastReceiveMs;
    this.failAuth(new ConnectionLossError({ message: 'connection lost before the auth reply' }), true);
    // 'connecting' stays: a first connection that broke while starting was never reported.
    if (this.current !== 'lost' && this.current !== 'connecting') this.setState('suspended');
    this.lastConnectedMs = this.settings.clock.now();
    this.armNoServerTimer();
    const remaining = this.negotiatedMs - (this.settings.clock.now() - this.lastHeardMs);
    this.expiryTimer?.cancel();
    this.expiryTimer = this.settings.clock.setTimeout(() => this.checkClientSideExpiry(), Math.max(1, remaining));
  }

  /** No server reachable for the whole negotiated timeout: the session must be presumed expired. */
  private checkClientSideExpiry(): void {
    if (this.isConnected || this.stopped || this.sessionIdValue === 0n || this.negotiatedMs === 0) return;
    const silentMs = this.settings.clock.now() - this.lastHeardMs;
    if (silentMs >= this.negotiatedMs) {
      this.loseSession(new SessionExpiredError({ message: `no server reachable for ${silentMs} ms (session timeout ${this.negotiatedMs} ms); session presumed expired` }));
    }
  }

  /** The session is gone: one-shot watches die with it; the loop goes on with a new session. */
  private loseSession(reason: CoordError): void {
    this.generation++;
    this.sessionIdValue = 0n;
    this.password = EMPTY_PASSWORD;
    this.expiryTimer?.cancel();
    this.watches.clearOneShot();
    this.failWaiting(() => reason);
    this.setState('lost');
  }

  private armNoServerTimer(): void {
    this.noServerTimer?.cancel();
    this.noServerTimer = this.settings.clock.setTimeout(() => {
      if (this.isConnected || this.stopped) return;
      const error = new ConnectionLossError({
        message: `no server answered at ${describeHosts(this.hosts.all)} for ${this.settings.noServerTimeoutMs} ms; still retrying`,
      });
      this.failWaiting(() => error);
      for (const w of [...this.connectedWaiters]) w.reject(error);
      this.emit('error', error);
      this.armNoServerTimer();
    }, this.settings.noServerTimeoutMs);
  }

  // --- requests and replies -------------------------------------------------------------

  private send(q: PendingCall): void {
    const connection = this.connection;
    if (connection === undefined || connection.isClosed) {
      q.encodeBodyNow();
      this.waiting.push(q);
      return;
    }
    q.stopWaiting?.();
    q.xid = this.nextXid;
    this.nextXid = this.nextXid >= MAX_XID ? 1 : this.nextXid + 1;
    try {
      connection.sendRequest(q, q.body);
    } catch (err) {
      // A body function that throws breaks its contract; fail the call, not the session.
      q.settle(err);
    }
  }

  private failWaiting(error: () => unknown): void {
    for (const q of this.waiting.splice(0)) q.settle(error());
  }

  private onAuthReply(err: number): void {
    const waiter = this.authWaiters.shift();
    if (err === ErrorCode.OK) {
      waiter?.resolve();
      return;
    }
    const error = new AuthFailedError({ message: `authentication failed${waiter === undefined ? '' : ` for scheme ${waiter.credential.scheme}`}` });
    // Forget the credential so reconnects do not fail the same way forever.
    if (waiter !== undefined) {
      const i = this.credentials.indexOf(waiter.credential);
      if (i >= 0) this.credentials.splice(i, 1);
    }
    waiter?.reject(error);
    this.emit('error', error);
  }

  private failAuth(error: CoordError, keepForRetry = false): void {
    const waiters = this.authWaiters.splice(0).filter((w): w is AuthWaiter => w !== undefined);
    if (keepForRetry && !this.stopped) {
      this.pendingAuth.push(...waiters);
      return;
    }
    for (const w of [...waiters, ...this.pendingAuth.splice(0)]) w.reject(error);
  }

  private onNotification(event: WatcherEvent, zxid: bigint): void {
    const type = nameOf(EventType, event.type);
    if (type === undefined || type === 'None') return;
    const watchers = this.watches.materialize(type, event.path);
    this.deliver(watchers, { type, path: stripChroot(this.chroot, event.path), zxid });
  }

  /** Watchers run after the replies already received have resumed their callers. */
  deliver(watchers: Iterable<Watcher>, event: Parameters<Watcher>[0]): void {
    for (const watcher of watchers) {
      queueMicrotask(() => {
        try {
          watcher(event);
        } catch (err) {
          this.reportError(err);
        }
      });
    }
  }

  private reportError(err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err));
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  // --- state ----------------------------------------------------------------------------

  private setState(state: ConnectionState): void {
    if (state === this.current) return;
    this.current = state;
    this.emit('state', state);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = this.settings.clock.setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        t.cancel();
        this.wake = undefined;
        resolve();
      };
    });
  }

  private cancelTimers(): void {
    this.expiryTimer?.cancel();
    this.noServerTimer?.cancel();
  }
}
