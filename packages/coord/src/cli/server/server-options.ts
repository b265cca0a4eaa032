import type { Logger } from 'pino';
import type { ServerConfig } from '../../config/index.js';
import type { ServerOptions } from '../../server/server.js';

/**
 * Whether startServer accepts a dataDir yet, decided by the compiler from ServerOptions. When
 * the persistence work adds `dataDir` to ServerOptions, this constant stops compiling: whoever
 * wires persistence comes here, passes `config.persistence` through, and drops the warning.
 */
type ServerTakesDataDir = 'dataDir' extends keyof ServerOptions ? true : false;
export const SERVER_TAKES_DATA_DIR: ServerTakesDataDir = false;

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
    log: (level, message) => log[level](message),
  };
}

/** Startup warnings for settings the server cannot honour yet, so nobody believes otherwise. */
export function unwiredWarnings(config: ServerConfig): string[] {
  const warnings: string[] = [];
  if (!SERVER_TAKES_DATA_DIR && config.persistence.dataDir !== undefined) {
    warnings.push(`dataDir is set (${config.persistence.dataDir}) but persistence is not wired into coord server yet: the tree is kept in memory only and is lost when the server stops`);
  }
  return warnings;
}
