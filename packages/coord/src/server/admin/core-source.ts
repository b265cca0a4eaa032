import { SERVER_VERSION } from './version.js';
import type { ServerCore } from '../zk-server.js';
import { fileDescriptors } from './process-info.js';
import { ServerStats, type ConnectionRecorder } from './server-stats.js';
import type { AdminConfig, ConnectionStats, ServerStatsSource, SessionView, WatchView } from './stats-source.js';
import { EMPTY_SUMMARY } from './summary.js';

/** One connection as CoordServer.connectionStates() lists it (plus the fields it should add). */
export interface ConnectionState {
  readonly id: number;
  readonly sessionId: bigint;
  readonly queuedRequests: number;
  readonly pausedForSlowReader: boolean;
  readonly remoteAddress?: string;
  readonly remotePort?: number;
}

/** What the adapter reads: ServerCore's public fields plus what the server shell knows. */
export interface CoreSourceInput {
  readonly core: ServerCore;
  readonly startedAtMs: number;
  readonly nowMs: () => number;
  /** CoordServer.connectionStates(): connection ids map watches to sessions. */
  readonly connectionStates?: () => readonly ConnectionState[];
  /** ServerConnection.describe() lines (`addr:port session 0x..`), when connectionStates is not available. */
  readonly clients?: () => readonly string[];
  readonly config?: Partial<AdminConfig>;
  /** Counters the core keeps once wired; a private, all-zero instance otherwise. */
  readonly stats?: ServerStats;
  /** Per-connection counters once wired, by connection id. */
  readonly connectionStats?: (connectionId: number) => ConnectionRecorder | undefined;
  readonly readOnly?: () => boolean;
  /** What srvr's `Mode:` and mntr's zk_server_state say; default `standalone`. */
  readonly serverState?: () => string;
  /** srvr's `Zxid:`; default the tree's last processed zxid. */
  readonly lastProcessedZxid?: () => bigint;
  readonly dataDirSizeBytes?: () => number;
  readonly logDirSizeBytes?: () => number;
}

const DESCRIBED = /^(.*):(\d+) session 0x([0-9a-f]+)$/;

function fromDescribe(line: string, index: number): ConnectionState {
  const m = DESCRIBED.exec(line);
  return {
    id: -(index + 1),
    sessionId: m === null ? 0n : BigInt.asIntN(64, BigInt(`0x${m[3] ?? '0'}`)),
    queuedRequests: 0,
    pausedForSlowReader: false,
    remoteAddress: m?.[1] ?? line,
    remotePort: Number(m?.[2] ?? 0),
  };
}

function defaultConfig(input: CoreSourceInput): AdminConfig {
  return {
    clientPort: 0,
    secureClientPort: -1,
    dataDir: '',
    dataLogDir: '',
    tickTimeMs: 2000,
    maxClientCnxns: 60,
    minSessionTimeoutMs: 4000,
    maxSessionTimeoutMs: 40000,
    clientPortListenBacklog: -1,
    serverId: 0,
    initialConfiguration: '',
    ...input.config,
  };
}

/**
 * A ServerStatsSource over a running coord server, from what ServerCore exposes (tree, watches,
 * sessions, counters) and what the shell passes in. Quantities the core does not track yet read
 * as ZooKeeper's initial values (0, or -1 for response sizes) until `stats` is wired.
 */
export function coreStatsSource(input: CoreSourceInput): ServerStatsSource {
  const { core } = input;
  const stats = input.stats ?? new ServerStats();
  const states = (): readonly ConnectionState[] => input.connectionStates?.() ?? (input.clients?.() ?? []).map(fromDescribe);
  const sessionOfWatcher = (): Map<number, bigint> => new Map(states().map((c) => [c.id, c.sessionId]));
  const sessionTimeout = (id: bigint): number => core.sessions.get(id)?.timeoutMs ?? 0;

  const connection = (c: ConnectionState): ConnectionStats => {
    const rec = input.connectionStats?.(c.id);
    return {
      remoteAddress: c.remoteAddress ?? '0.0.0.0',
      remotePort: c.remotePort ?? 0,
      interestOps: c.pausedForSlowReader ? 0 : 1,
      outstandingRequests: c.queuedRequests,
      packetsReceived: rec?.packetsReceived ?? 0,
      packetsSent: rec?.packetsSent ?? 0,
      sessionId: c.sessionId,
      sessionTimeoutMs: c.sessionId === 0n ? 0 : sessionTimeout(c.sessionId),
      establishedAtMs: rec?.establishedAtMs ?? input.startedAtMs,
      lastOperation: rec?.lastOperation ?? 'NA',
      lastCxid: rec?.lastCxid ?? -1,
      lastZxid: rec?.lastZxid ?? -1n,
      lastResponseTimeMs: rec?.lastResponseTimeMs ?? 0,
      lastLatencyMs: rec?.lastLatencyMs ?? 0,
      latency: rec?.latency.snapshot() ?? EMPTY_SUMMARY,
    };
  };

  return {
    version: SERVER_VERSION,
    serverState: () => input.serverState?.() ?? 'standalone',
    readOnly: () => input.readOnly?.() ?? false,
    config: () => defaultConfig(input),
    nowMs: input.nowMs,
    uptimeMs: () => input.nowMs() - input.startedAtMs,
    lastProcessedZxid: () => input.lastProcessedZxid?.() ?? core.lastZxid,
    nodeCount: () => core.tree.nodeCount,
    approximateDataSize: () => core.tree.approximateDataSize,
    watchCount: () => core.watches.data.size + core.watches.child.size,
    dataWatches: () => {
      const sessions = sessionOfWatcher();
      const out: WatchView[] = [];
      for (const path of core.watches.data.allPaths()) {
        for (const watcher of core.watches.data.watchersOn(path).keys()) out.push({ path, connectionId: watcher, sessionId: sessions.get(watcher) ?? 0n });
      }
      return out;
    },
    sessions: () => {
      const out: SessionView[] = [];
      for (const id of core.sessions.ids()) {
        const s = core.sessions.get(id);
        if (s !== undefined) out.push({ id, timeoutMs: s.timeoutMs, expiresAtMs: s.expiresAtMs });
      }
      return out;
    },
    ephemerals: () => new Map([...core.tree.ephemerals].map(([owner, paths]) => [owner, [...paths]])),
    connections: () => states().map(connection),
    // Requests read but not yet processed (held back while a client does not read its replies).
    outstandingRequests: () => stats.outstandingRequests + states().reduce((n, c) => n + c.queuedRequests, 0),
    packetsReceived: () => core.counters.packetsReceived,
    packetsSent: () => core.counters.packetsSent,
    authFailedCount: () => stats.authFailed,
    requestLatency: () => stats.requestLatency.snapshot(),
    counter: (name) => stats.counter(name),
    summary: (name) => stats.summary(name).snapshot(),
    dataDirSizeBytes: () => input.dataDirSizeBytes?.() ?? 0,
    logDirSizeBytes: () => input.logDirSizeBytes?.() ?? 0,
    clientResponseSizes: () => ({ last: stats.lastResponseBytes, min: stats.minResponseBytes, max: stats.maxResponseBytes }),
    fileDescriptors,
    resetServerStats: () => {
      // ServerStats.reset() zeroes the packet counters too; they live on the core today.
      core.counters.packetsReceived = 0;
      core.counters.packetsSent = 0;
      stats.reset();
    },
    resetConnectionStats: () => {
      for (const c of states()) input.connectionStats?.(c.id)?.reset();
    },
  };
}

/** The parts of a running CoordServer the adapter reads. */
export interface RunningServer {
  readonly core: ServerCore;
  readonly port: number;
  connectionStates(): readonly ConnectionState[];
}

/** coreStatsSource over a started CoordServer: its connections, its client port. */
export function serverStatsSource(server: RunningServer, options: Omit<CoreSourceInput, 'core' | 'connectionStates' | 'clients' | 'startedAtMs' | 'nowMs'> & { startedAtMs?: number; nowMs?: () => number } = {}): ServerStatsSource {
  const nowMs = options.nowMs ?? Date.now;
  return coreStatsSource({
    ...options,
    core: server.core,
    startedAtMs: options.startedAtMs ?? nowMs(),
    nowMs,
    connectionStates: () => server.connectionStates(),
    config: { clientPort: server.port, ...options.config },
  });
}
