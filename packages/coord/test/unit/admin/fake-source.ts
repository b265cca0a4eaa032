import { ServerStats } from '../../../src/server/admin/server-stats.js';
import type { ConnectionStats, ServerStatsSource } from '../../../src/server/admin/stats-source.js';
import { EMPTY_SUMMARY } from '../../../src/server/admin/summary.js';

export const SESSION = 0x1000031a2c40000n;
export const NOW_MS = Date.UTC(2026, 10, 27, 0, 36, 23);

export const CONNECTION: ConnectionStats = {
  remoteAddress: '127.0.0.1',
  remotePort: 56724,
  interestOps: 1,
  outstandingRequests: 0,
  packetsReceived: 7,
  packetsSent: 7,
  sessionId: SESSION,
  sessionTimeoutMs: 30000,
  establishedAtMs: 1795739773298,
  lastOperation: 'GETD',
  lastCxid: 6,
  lastZxid: 3n,
  lastResponseTimeMs: 3259423,
  lastLatencyMs: 0,
  latency: EMPTY_SUMMARY,
};

/** A server with one session (one ephemeral, three data watches) and a handshaking connection. */
export function fakeSource(options: { stats?: ServerStats; connections?: ConnectionStats[] } = {}): ServerStatsSource {
  const stats = options.stats ?? new ServerStats();
  const connections = options.connections ?? [CONNECTION, { ...CONNECTION, remotePort: 56782, packetsReceived: 1, packetsSent: 0, sessionId: 0n }];
  return {
    version: '3.8.0-coordlab, built on 1970-01-01 00:00 UTC',
    serverState: () => 'standalone',
    readOnly: () => false,
    config: () => ({
      clientPort: 2181,
      secureClientPort: -1,
      dataDir: '/data/version-2',
      dataLogDir: '/data/version-2',
      tickTimeMs: 2000,
      maxClientCnxns: 60,
      minSessionTimeoutMs: 4000,
      maxSessionTimeoutMs: 40000,
      clientPortListenBacklog: -1,
      serverId: 0,
      initialConfiguration: 'tickTime=2000\n',
    }),
    nowMs: () => NOW_MS,
    uptimeMs: () => 6825,
    lastProcessedZxid: () => 3n,
    nodeCount: () => 7,
    approximateDataSize: () => 56,
    watchCount: () => 4,
    dataWatches: () => ['/a', '/missing', '/a/e'].map((path) => ({ path, connectionId: 1, sessionId: SESSION })),
    sessions: () => [{ id: SESSION, timeoutMs: 30000, expiresAtMs: NOW_MS + 20_000 }],
    ephemerals: () => new Map([[SESSION, ['/a/e']]]),
    connections: () => connections,
    outstandingRequests: () => stats.outstandingRequests,
    packetsReceived: () => 11,
    packetsSent: () => 10,
    authFailedCount: () => stats.authFailed,
    requestLatency: () => stats.requestLatency.snapshot(),
    counter: (name) => stats.counter(name),
    summary: (name) => stats.summary(name).snapshot(),
    dataDirSizeBytes: () => 67109337,
    logDirSizeBytes: () => 67109337,
    clientResponseSizes: () => ({ last: stats.lastResponseBytes, min: stats.minResponseBytes, max: stats.maxResponseBytes }),
    fileDescriptors: () => ({ open: 45, max: 20000 }),
    resetServerStats: () => stats.reset(),
    resetConnectionStats: () => undefined,
  };
}
