import type { QuorumServerSpec } from './servers.js';

/**
 * Everything `coord server` is configured with, resolved (defaults applied, cross-checked).
 * Grouped by the subsystem that consumes it so each is wired on its own: `client` and `session`
 * map onto ServerOptions, `persistence` onto the dataDir, `admin` and `metrics` onto their
 * endpoints, and `quorum` onto an ensemble member (quorum/node.ts).
 * Names follow DESIGN.md rule 6 (units last); the zoo.cfg key is in each comment.
 */
export interface ServerConfig {
  /** The zoo.cfg this came from, if any. */
  readonly file: string | undefined;
  /** `ensemble` when server.N lines name more than one voter, or one with standaloneEnabled=false. */
  readonly mode: 'standalone' | 'ensemble';
  /** tickTime */
  readonly tickTimeMs: number;
  readonly client: {
    /** clientPortAddress; 0.0.0.0 (every address) when unset, as ZooKeeper binds. */
    readonly host: string;
    /** clientPort; 0 = any free port. */
    readonly port: number;
    /** maxClientCnxns (per IP; 0 = unlimited) */
    readonly maxConnectionsPerIp: number;
    /** jute.maxbuffer */
    readonly maxFrameBytes: number;
    /** 4lw.commands.whitelist */
    readonly fourLetterWords: readonly string[] | '*';
  };
  readonly session: {
    /** minSessionTimeout */
    readonly minTimeoutMs: number;
    /** maxSessionTimeout */
    readonly maxTimeoutMs: number;
  };
  /** extendedTypesEnabled (TTL nodes) */
  readonly extendedTypesEnabled: boolean;
  /** DigestAuthenticationProvider.superDigest */
  readonly superDigest: string | undefined;
  readonly persistence: {
    /** --in-memory: no dataDir needed, nothing written. */
    readonly inMemory: boolean;
    /** dataDir */
    readonly dataDir: string | undefined;
    /** dataLogDir; equals dataDir when unset. */
    readonly dataLogDir: string | undefined;
    /** snapCount */
    readonly snapCount: number;
    /** preAllocSize, in KILOBYTES as zoo.cfg writes it (65536 = 64 MB). */
    readonly preAllocSizeKb: number;
    /** forceSync (yes = true) */
    readonly forceSync: boolean;
    readonly autopurge: {
      /** autopurge.snapRetainCount (>= 3) */
      readonly snapRetainCount: number;
      /** autopurge.purgeInterval; 0 = off. */
      readonly purgeIntervalHours: number;
    };
  };
  readonly admin: {
    /** admin.enableServer */
    readonly enabled: boolean;
    /** admin.serverAddress */
    readonly host: string;
    /** admin.serverPort */
    readonly port: number;
  };
  readonly metrics: {
    /** metricsProvider.className */
    readonly providerClassName: string;
    /** True when the provider is ZooKeeper's PrometheusMetricsProvider. */
    readonly prometheusEnabled: boolean;
    /** metricsProvider.httpPort */
    readonly httpPort: number;
  };
  readonly quorum: {
    /** server.N lines, by id. Empty for a plain standalone config. */
    readonly servers: readonly QuorumServerSpec[];
    /** initLimit */
    readonly initLimitTicks: number | undefined;
    /** syncLimit */
    readonly syncLimitTicks: number | undefined;
    /** standaloneEnabled */
    readonly standaloneEnabled: boolean;
    /** reconfigEnabled */
    readonly reconfigEnabled: boolean;
  };
}

/** ZooKeeper 3.8's defaults (QuorumPeerConfig, ZooKeeperServer, FilePadding, SyncRequestProcessor, ...). */
export const ZOOKEEPER_DEFAULTS = {
  tickTimeMs: 3000,
  clientPort: 2181,
  clientHost: '0.0.0.0',
  maxClientCnxns: 60,
  minSessionTimeoutTicks: 2,
  maxSessionTimeoutTicks: 20,
  snapCount: 100_000,
  preAllocSizeKb: 65_536,
  forceSync: true,
  snapRetainCount: 3,
  purgeIntervalHours: 0,
  fourLetterWords: ['srvr'] as readonly string[],
  adminEnabled: true,
  adminHost: '0.0.0.0',
  adminPort: 8080,
  metricsHttpPort: 7000,
  maxFrameBytes: 0xfffff,
  extendedTypesEnabled: false,
  standaloneEnabled: true,
  reconfigEnabled: false,
} as const;
