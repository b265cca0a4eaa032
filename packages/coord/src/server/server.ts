import { BadArgumentsError } from '../errors/errors.js';
import { RealClock, type Clock, type TimerHandle } from '../util/clock.js';
import { ClientListener } from './client-listener.js';
import { ContainerSweeper } from './container-sweeper.js';
import { ServerCore } from './zk-server.js';
import { openDataDir, type DataDir } from './persistence/index.js';
import type { ServerStatsSource } from './admin/stats-source.js';

export interface ServerOptions {
  /** Address to listen on. Default 127.0.0.1. */
  readonly host?: string;
  /** Client port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** 1..254; the top byte of every session id. Default 1. */
  readonly serverId?: number;
  /** ZooKeeper's tickTime. Default 2000. */
  readonly tickTimeMs?: number;
  /** Default 2 × tickTime. */
  readonly minSessionTimeoutMs?: number;
  /** Default 20 × tickTime. */
  readonly maxSessionTimeoutMs?: number;
  /** Largest request frame (jute.maxbuffer). Default 0xfffff. */
  readonly maxFrameBytes?: number;
  /** Connections allowed from one IP address (maxClientCnxns); 0 = unlimited. Default 60. */
  readonly maxClientConnections?: number;
  /** TTL nodes (zookeeper.extendedTypesEnabled). Default true. */
  readonly extendedTypesEnabled?: boolean;
  /** `super:<base64 sha1 of super:password>`: that digest identity bypasses ACLs. */
  readonly superDigest?: string;
  /** Four-letter words allowed (4lw.commands.whitelist): a list, or '*'. Default ['srvr']. */
  readonly fourLetterWords?: readonly string[] | '*';
  /** How often empty containers and expired TTL nodes are removed (znode.container.checkIntervalMs). Default 60000. */
  readonly containerCheckIntervalMs?: number;
  /** A new connection must send its ConnectRequest within this long (sessionlessCnxnTimeout). Default 10000. */
  readonly handshakeTimeoutMs?: number;
  /** Per-connection output buffered for a slow reader before its input is paused. Default 4 MiB. */
  readonly maxQueuedBytesPerConnection?: number;
  /**
   * Where the tree lives on disk (ZooKeeper's `dataDir`, `version-2` format). Without it the
   * server keeps everything in memory and loses it when it stops.
   */
  readonly dataDir?: string;
  /** A separate directory for the txn log (dataLogDir); default the dataDir. */
  readonly dataLogDir?: string;
  /** fsync each group commit before acknowledging it (forceSync=yes). Default true. */
  readonly forceSync?: boolean;
  /** Txn log preallocation (zookeeper.preAllocSize, here in bytes). Default 64 MiB. */
  readonly preAllocSizeBytes?: number;
  /** A snapshot after about this many txns (randomised as ZooKeeper does). Default 100000. */
  readonly snapCount?: number;
  /** autopurge.snapRetainCount / autopurge.purgeInterval (hours; 0 = off). */
  readonly autopurge?: { readonly snapRetainCount: number; readonly purgeIntervalHours: number };
  readonly clock?: Clock;
  readonly log?: (level: 'debug' | 'info' | 'warn', message: string) => void;
}

/**
 * A standalone coord server speaking the ZooKeeper protocol. `start()` listens; `stop()`
 * makes what was accepted durable, flushes every connection and closes. With a dataDir the tree
 * and sessions are recovered at start and every write is logged before it is acknowledged;
 * without one they live in memory.
 */
export class CoordServer {
  readonly core: ServerCore;
  private readonly client: ClientListener;
  private tickTimer: TimerHandle | undefined;
  private purgeTimer: TimerHandle | undefined;
  private readonly sweeper: ContainerSweeper;
  private readonly clock: Clock;
  private stopped = false;

  /**
   * `persistence` is the opened dataDir (startServer opens it); without one the server is in
   * memory only.
   */
  constructor(
    private readonly options: ServerOptions = {},
    private readonly persistence?: DataDir,
  ) {
    if (options.dataDir !== undefined && persistence === undefined) {
      throw new BadArgumentsError({ message: 'a server with a dataDir must be started with startServer(), which recovers the dataDir first' });
    }
    const tickTimeMs = options.tickTimeMs ?? 2000;
    const serverId = options.serverId ?? 1;
    if (!Number.isInteger(tickTimeMs) || tickTimeMs <= 0) throw new BadArgumentsError({ message: `tickTimeMs must be a positive integer, got ${tickTimeMs}` });
    if (!Number.isInteger(serverId) || serverId < 1 || serverId > 254) throw new BadArgumentsError({ message: `serverId must be 1..254, got ${serverId}` });
    this.clock = options.clock ?? RealClock;
    const log = options.log ?? (() => undefined);
    this.core = new ServerCore({
      serverId,
      tickTimeMs,
      minSessionTimeoutMs: options.minSessionTimeoutMs ?? 2 * tickTimeMs,
      maxSessionTimeoutMs: options.maxSessionTimeoutMs ?? 20 * tickTimeMs,
      extendedTypesEnabled: options.extendedTypesEnabled ?? true,
      superDigest: options.superDigest,
      maxReplyBytes: options.maxFrameBytes ?? 0xfffff,
      clock: this.clock,
      log,
      ...(persistence === undefined
        ? {}
        : { restored: { tree: persistence.tree, sessions: new Map(persistence.sessions) }, txnLog: { append: (entry) => persistence.append(entry) } }),
    });
    if (persistence !== undefined) {
      persistence.onDurable((zxid) => this.core.markDurable(zxid));
      persistence.onFailure((err) => {
        // No later txn can be made durable: stop serving rather than acknowledge what may be lost.
        log('warn', `the txn log failed (${err.message}); stopping the server`);
        void this.stop();
      });
    }
    this.client = new ClientListener(this.core, {
      host: this.host,
      port: options.port ?? 0,
      maxFrameBytes: options.maxFrameBytes ?? 0xfffff,
      maxClientConnections: options.maxClientConnections ?? 60,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
      maxQueuedBytesPerConnection: options.maxQueuedBytesPerConnection ?? 4 * 1024 * 1024,
      fourLetterWords: options.fourLetterWords ?? ['srvr'],
      clock: this.clock,
      log,
      config: {
        tickTimeMs,
        maxClientCnxns: options.maxClientConnections ?? 60,
        minSessionTimeoutMs: options.minSessionTimeoutMs ?? 2 * tickTimeMs,
        maxSessionTimeoutMs: options.maxSessionTimeoutMs ?? 20 * tickTimeMs,
        serverId,
        ...(persistence === undefined ? {} : { dataDir: persistence.snapDir, dataLogDir: persistence.logDir }),
      },
    });
    this.sweeper = new ContainerSweeper(this.core, this.clock, options.containerCheckIntervalMs ?? 60_000);
  }

  get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  get port(): number {
    return this.client.port;
  }

  get connectString(): string {
    return `${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  async start(): Promise<this> {
    await this.client.start();
    this.scheduleTick();
    this.sweeper.start();
    this.schedulePurge();
    return this;
  }

  /** autopurge: keep the newest snapRetainCount snapshots (and the logs they need) every purgeInterval hours. */
  private schedulePurge(): void {
    const purge = this.options.autopurge;
    const persistence = this.persistence;
    if (persistence === undefined || purge === undefined || purge.purgeIntervalHours <= 0) return;
    this.purgeTimer = this.clock.setTimeout(() => {
      void persistence
        .purge(Math.max(3, purge.snapRetainCount))
        .catch((err: unknown) => this.options.log?.('warn', `autopurge failed: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => {
          if (!this.stopped) this.schedulePurge();
        });
    }, purge.purgeIntervalHours * 3_600_000);
  }

  /**
   * Session deadlines fall on tick boundaries (ExpiryQueue buckets), so the expiry check runs at
   * each boundary, not a tick after server start: a session expires when its bucket is due.
   */
  private scheduleTick(): void {
    const now = this.clock.now();
    this.tickTimer = this.clock.setTimeout(() => {
      if (this.stopped) return;
      this.core.expireSessions();
      this.scheduleTick();
    }, this.core.sessions.nextCheckAtMs(now) - now);
  }

  /** Per-connection state, for tests and the `cons` command. */
  connectionStates(): { id: number; sessionId: bigint; queuedRequests: number; pausedForSlowReader: boolean; remoteAddress: string; remotePort: number }[] {
    return this.client.connectionStates();
  }

  /** What srvr, mntr, the AdminServer and /metrics report (see admin/). */
  get statsSource(): ServerStatsSource {
    return this.client.statsSource;
  }

  /**
   * Resolves once every accepted write is durable and no snapshot is being written (a quiet
   * point for tests and tools that then look at the dataDir).
   */
  async settle(): Promise<void> {
    if (this.persistence === undefined) return;
    await this.persistence.flush();
    await this.persistence.snapshotInProgress;
  }

  /** Number of open client connections. */
  get connectionCount(): number {
    return this.client.connectionCount;
  }

  /**
   * Stops accepting, makes the txn log durable so held replies go out, lets every connection
   * flush, then ends it. Sessions live on in the dataDir (if any) and expire after a restart
   * unless their clients come back.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.tickTimer?.cancel();
    this.sweeper.stop();
    this.purgeTimer?.cancel();
    // Everything accepted is made durable first, so the replies waiting for it go out.
    await this.persistence?.flush().catch(() => undefined);
    // Replies already produced go out before each connection ends (close() flushes, then ends).
    await this.client.stop();
    await this.persistence?.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

/**
 * Starts a standalone server (on a free port unless one is given). With a dataDir it first
 * recovers the tree and sessions from disk; a dataDir it cannot trust (a corrupt log in the
 * middle, no valid snapshot) is refused with an error naming the file and offset.
 */
export async function startServer(options: ServerOptions = {}): Promise<CoordServer> {
  if (options.dataDir === undefined) return new CoordServer(options).start();
  const log = options.log;
  const persistence = await openDataDir({
    dataDir: options.dataDir,
    ...(options.dataLogDir === undefined ? {} : { dataLogDir: options.dataLogDir }),
    forceSync: options.forceSync ?? true,
    ...(options.preAllocSizeBytes === undefined ? {} : { preAllocSizeBytes: options.preAllocSizeBytes }),
    ...(options.snapCount === undefined ? {} : { snapCount: options.snapCount }),
    extendedTypesEnabled: options.extendedTypesEnabled ?? true,
    ...(log === undefined ? {} : { log }),
  });
  try {
    return await new CoordServer(options, persistence).start();
  } catch (err) {
    await persistence.close();
    throw err;
  }
}
