import type { Logger } from 'pino';
import type { ServerConfig } from '../../config/index.js';
import type { ServerOptions } from '../../server/server.js';

/** The top byte of session ids; ZooKeeper's standalone server uses 1 (createSessionTrackerServerId). */
const STANDALONE_SERVER_ID = 1;

/**
 * The part of ServerConfig that startServer understands today. Persistence, admin, metrics and
 * quorum settings stay in ServerConfig until their subsystems exist.
 */
export function toServerOptions(config: ServerConfig, log: Logger): ServerOptions {
  return {
    host: config.client.host,
    port: config.client.port,
    serverId: STANDALONE_SERVER_ID,
    tickTimeMs: config.tickTimeMs,
    minSessionTimeoutMs: config.session.minTimeoutMs,
    maxSessionTimeoutMs: config.session.maxTimeoutMs,
    maxFrameBytes: config.client.maxFrameBytes,
    maxClientConnections: config.client.maxConnectionsPerIp,
    extendedTypesEnabled: config.extendedTypesEnabled,
    superDigest: config.superDigest,
    fourLetterWords: config.client.fourLetterWords,
    ...persistenceOptions(config),
    log: (level, message) => log[level](message),
  };
}

/** dataDir and friends; nothing when the server runs in memory (--in-memory). */
function persistenceOptions(config: ServerConfig): Partial<ServerOptions> {
  const p = config.persistence;
  if (p.inMemory || p.dataDir === undefined) return {};
  return {
    dataDir: p.dataDir,
    ...(p.dataLogDir === undefined ? {} : { dataLogDir: p.dataLogDir }),
    forceSync: p.forceSync,
    // zoo.cfg gives preAllocSize in KB, as ZooKeeper does.
    preAllocSizeBytes: p.preAllocSizeKb * 1024,
    snapCount: p.snapCount,
    autopurge: { snapRetainCount: p.autopurge.snapRetainCount, purgeIntervalHours: p.autopurge.purgeIntervalHours },
  };
}
