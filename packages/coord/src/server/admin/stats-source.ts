import type { CounterName, SummaryName } from './metric-names.js';

/** Count, sum and extremes of a series of samples (ZooKeeper's AvgMinMaxCounter), plus quantiles. */
export interface SummarySnapshot {
  readonly count: number;
  readonly sum: number;
  /** 0 when there are no samples, as ZooKeeper reports it. */
  readonly min: number;
  readonly max: number;
  /** sum / count, 0 with no samples. */
  readonly avg: number;
  /** Value at quantile q (0..1) of the recent samples; NaN with no samples. */
  quantile(q: number): number;
}

/** One client connection as `cons`, `stat` and `/commands/connections` show it (ServerCnxn). */
export interface ConnectionStats {
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** 1 while reading (Java's OP_READ), 0 while paused for a slow reader. */
  readonly interestOps: number;
  readonly outstandingRequests: number;
  readonly packetsReceived: number;
  readonly packetsSent: number;
  /** 0n before the handshake. */
  readonly sessionId: bigint;
  readonly sessionTimeoutMs: number;
  /** Wall-clock ms when the connection was accepted. */
  readonly establishedAtMs: number;
  /** Four-letter op name of the last request (ServerCnxn.getLastOperation: GETD, SETD, PING ...), "NA" before any. */
  readonly lastOperation: string;
  /** -1 before any request. */
  readonly lastCxid: number;
  /** -1n before any request. */
  readonly lastZxid: bigint;
  /** ms timestamp of the last response, 0 before any. */
  readonly lastResponseTimeMs: number;
  readonly lastLatencyMs: number;
  readonly latency: SummarySnapshot;
}

/** The settings `conf` and `/commands/configuration` print (ZooKeeperServer.dumpConf). */
export interface AdminConfig {
  readonly clientPort: number;
  readonly secureClientPort: number;
  readonly dataDir: string;
  readonly dataLogDir: string;
  readonly tickTimeMs: number;
  readonly maxClientCnxns: number;
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  readonly clientPortListenBacklog: number;
  readonly serverId: number;
  /** The zoo.cfg text the server was started with (`icfg`), empty when started without one. */
  readonly initialConfiguration: string;
}

export interface SessionView {
  readonly id: bigint;
  readonly timeoutMs: number;
  readonly expiresAtMs: number;
}

/** One watch registration: a connection's session watching a path. */
export interface WatchView {
  readonly path: string;
  /** The watching connection (ZooKeeper's watcher is the ServerCnxn). */
  readonly connectionId: number;
  readonly sessionId: bigint;
}

/**
 * Everything the admin commands (four-letter words, the HTTP AdminServer, /metrics) read from a
 * server. The core implements what it tracks; `coreStatsSource` adapts what ServerCore exposes
 * today and reports honest zeros for the rest.
 */
export interface ServerStatsSource {
  readonly version: string;
  /** 'standalone' for a single server ('leader'/'follower'/'observer' in an ensemble). */
  serverState(): string;
  readOnly(): boolean;
  config(): AdminConfig;
  nowMs(): number;
  uptimeMs(): number;
  lastProcessedZxid(): bigint;
  nodeCount(): number;
  approximateDataSize(): number;
  /** Data + child watch registrations (DataTree.getWatchCount). */
  watchCount(): number;
  /**
   * Data/exists watches only: ZooKeeper 3.8's wchc, wchp and wchs list the data watch table
   * (DataTree.getWatches / getWatchesByPath / getWatchesSummary), not child watches.
   */
  dataWatches(): readonly WatchView[];
  sessions(): readonly SessionView[];
  /** Ephemeral paths by owner session (containers and TTL nodes excluded). */
  ephemerals(): ReadonlyMap<bigint, readonly string[]>;
  connections(): readonly ConnectionStats[];
  /** Requests received and not yet answered. */
  outstandingRequests(): number;
  packetsReceived(): number;
  packetsSent(): number;
  /** Failed authentications since the last `srst` (ServerStats.authFailedCount). */
  authFailedCount(): number;
  /** Latency of every request, ms (ServerStats: srvr's "Latency min/avg/max"). */
  requestLatency(): SummarySnapshot;
  counter(name: CounterName): number;
  summary(name: SummaryName): SummarySnapshot;
  /** Sizes of the snapshot and txn-log directories in bytes (0 without persistence). */
  dataDirSizeBytes(): number;
  logDirSizeBytes(): number;
  /** Client response buffer sizes (BufferStats); -1 before the first response, as ZooKeeper. */
  clientResponseSizes(): { readonly last: number; readonly min: number; readonly max: number };
  /** Open and maximum file descriptors of this process, undefined where not measurable. */
  fileDescriptors(): { readonly open: number; readonly max: number } | undefined;
  /** `srst`: packet counters, latency, auth failures and response sizes back to zero. */
  resetServerStats(): void;
  /** `crst`: every connection's packet counters and latency back to zero. */
  resetConnectionStats(): void;
}
