import { boolean, className, fourLetterWords, host, integer, path, port, superDigest, yesNo } from './values.js';

/**
 * Every zoo.cfg key coord understands, in one table: its spelling, the command-line flag that
 * overrides it, the parser, and the help text. The CLI builds its options from this table, so a
 * key cannot exist without a flag and a documented default.
 */
export interface KeySpec<T> {
  /** The spelling in zoo.cfg. */
  readonly key: string;
  /** Other spellings accepted with a warning (see ALIAS_NOTE). */
  readonly aliases?: readonly string[];
  readonly flag: string;
  readonly valueName: string;
  readonly description: string;
  readonly defaultText: string;
  readonly parse: (raw: string) => T;
}

function spec<T>(s: KeySpec<T>): KeySpec<T> {
  return s;
}

/**
 * Keys ZooKeeper does not name itself are copied to system properties as `zookeeper.<key>`
 * (QuorumPeerConfig.parseProperties). So zoo.cfg says `extendedTypesEnabled=true`, and the
 * `zookeeper.`-prefixed spelling there becomes `zookeeper.zookeeper.…`, which Apache ignores.
 */
export const ALIAS_NOTE = 'Apache ZooKeeper reads this key from zoo.cfg without the "zookeeper." prefix (it would ignore this line); coord accepts it, but prefer';

/** ZooKeeper's default metrics provider (in-process counters, no HTTP endpoint). */
export const DEFAULT_METRICS_PROVIDER = 'org.apache.zookeeper.metrics.impl.DefaultMetricsProvider';
/** The provider that serves Prometheus text on metricsProvider.httpPort. */
export const PROMETHEUS_METRICS_PROVIDER = 'org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider';

export const KEYS = {
  tickTime: spec({ key: 'tickTime', flag: '--tick-time', valueName: '<ms>', description: 'the basic time unit; session timeouts and the session expiry check are measured in ticks', defaultText: '3000', parse: integer({ min: 1, unit: 'milliseconds' }) }),
  dataDir: spec({ key: 'dataDir', flag: '--data-dir', valueName: '<dir>', description: 'where snapshots (and the txn log unless dataLogDir is set) are kept; required unless --in-memory', defaultText: 'none', parse: path }),
  dataLogDir: spec({ key: 'dataLogDir', flag: '--data-log-dir', valueName: '<dir>', description: 'a separate directory (ideally a separate disk) for the txn log', defaultText: 'dataDir', parse: path }),
  clientPort: spec({ key: 'clientPort', flag: '--port', valueName: '<port>', description: 'the port clients connect to (0 = any free port)', defaultText: '2181', parse: port(true) }),
  clientPortAddress: spec({ key: 'clientPortAddress', flag: '--host', valueName: '<address>', description: 'the address clients connect to', defaultText: '0.0.0.0 (all addresses)', parse: host }),
  maxClientCnxns: spec({ key: 'maxClientCnxns', flag: '--max-client-cnxns', valueName: '<n>', description: 'concurrent connections allowed from one IP address (0 = unlimited)', defaultText: '60', parse: integer({ min: 0 }) }),
  minSessionTimeout: spec({ key: 'minSessionTimeout', flag: '--min-session-timeout', valueName: '<ms>', description: 'the least session timeout the server grants', defaultText: '2 x tickTime', parse: integer({ min: 1, unit: 'milliseconds' }) }),
  maxSessionTimeout: spec({ key: 'maxSessionTimeout', flag: '--max-session-timeout', valueName: '<ms>', description: 'the greatest session timeout the server grants', defaultText: '20 x tickTime', parse: integer({ min: 1, unit: 'milliseconds' }) }),
  snapCount: spec({ key: 'snapCount', aliases: ['zookeeper.snapCount'], flag: '--snap-count', valueName: '<n>', description: 'txns logged between snapshots', defaultText: '100000', parse: integer({ min: 1, hex: true }) }),
  preAllocSize: spec({ key: 'preAllocSize', aliases: ['zookeeper.preAllocSize'], flag: '--pre-alloc-size', valueName: '<KB>', description: 'txn log files grow in chunks of this many KILOBYTES (ZooKeeper\'s unit)', defaultText: '65536 (64 MB)', parse: integer({ min: 1, unit: 'kilobytes' }) }),
  forceSync: spec({ key: 'forceSync', aliases: ['zookeeper.forceSync'], flag: '--force-sync', valueName: '<yes|no>', description: 'fsync the txn log before acknowledging writes', defaultText: 'yes', parse: yesNo }),
  snapRetainCount: spec({ key: 'autopurge.snapRetainCount', flag: '--autopurge-snap-retain-count', valueName: '<n>', description: 'snapshots (and their logs) autopurge keeps; at least 3', defaultText: '3', parse: integer({ min: 0 }) }),
  purgeInterval: spec({ key: 'autopurge.purgeInterval', flag: '--autopurge-purge-interval', valueName: '<hours>', description: 'hours between autopurge runs (0 = autopurge off)', defaultText: '0', parse: integer({ min: 0, unit: 'hours' }) }),
  fourLetterWords: spec({ key: '4lw.commands.whitelist', aliases: ['zookeeper.4lw.commands.whitelist'], flag: '--4lw-commands-whitelist', valueName: '<words>', description: 'four-letter words answered on the client port, comma-separated, or *', defaultText: 'srvr', parse: fourLetterWords }),
  adminEnableServer: spec({ key: 'admin.enableServer', aliases: ['zookeeper.admin.enableServer'], flag: '--admin-enable-server', valueName: '<true|false>', description: 'run the HTTP AdminServer (/commands/<name>)', defaultText: 'true', parse: boolean }),
  adminServerPort: spec({ key: 'admin.serverPort', aliases: ['zookeeper.admin.serverPort'], flag: '--admin-server-port', valueName: '<port>', description: 'the AdminServer port (0 = any free port)', defaultText: '8080', parse: port(true) }),
  adminServerAddress: spec({ key: 'admin.serverAddress', aliases: ['zookeeper.admin.serverAddress'], flag: '--admin-server-address', valueName: '<address>', description: 'the AdminServer address', defaultText: '0.0.0.0', parse: host }),
  metricsProviderClassName: spec({ key: 'metricsProvider.className', flag: '--metrics-provider-class-name', valueName: '<class>', description: 'metrics provider; PrometheusMetricsProvider serves /metrics on metricsProvider.httpPort', defaultText: DEFAULT_METRICS_PROVIDER, parse: className }),
  metricsProviderHttpPort: spec({ key: 'metricsProvider.httpPort', flag: '--metrics-provider-http-port', valueName: '<port>', description: 'the Prometheus endpoint port (0 = any free port)', defaultText: '7000', parse: port(true) }),
  juteMaxBuffer: spec({ key: 'jute.maxbuffer', flag: '--jute-maxbuffer', valueName: '<bytes>', description: 'largest request or reply frame, decimal or 0x hex (Apache ZooKeeper honours it only as -Djute.maxbuffer; coord also reads it here)', defaultText: '0xfffff (1048575)', parse: integer({ min: 1, hex: true, unit: 'bytes' }) }),
  extendedTypesEnabled: spec({ key: 'extendedTypesEnabled', aliases: ['zookeeper.extendedTypesEnabled'], flag: '--extended-types-enabled', valueName: '<true|false>', description: 'allow TTL nodes (the system property zookeeper.extendedTypesEnabled)', defaultText: 'false', parse: boolean }),
  initLimit: spec({ key: 'initLimit', flag: '--init-limit', valueName: '<ticks>', description: 'ensemble: ticks a follower may take to connect and sync to the leader', defaultText: 'none (required with server.N lines)', parse: integer({ min: 1, unit: 'ticks' }) }),
  syncLimit: spec({ key: 'syncLimit', flag: '--sync-limit', valueName: '<ticks>', description: 'ensemble: ticks a follower may fall behind the leader', defaultText: 'none (required with server.N lines)', parse: integer({ min: 1, unit: 'ticks' }) }),
  standaloneEnabled: spec({ key: 'standaloneEnabled', flag: '--standalone-enabled', valueName: '<true|false>', description: 'with a single server.N line, run standalone rather than as a one-member ensemble', defaultText: 'true', parse: boolean }),
  reconfigEnabled: spec({ key: 'reconfigEnabled', flag: '--reconfig-enabled', valueName: '<true|false>', description: 'allow dynamic reconfiguration (the reconfig command)', defaultText: 'false', parse: boolean }),
  superDigest: spec({ key: 'DigestAuthenticationProvider.superDigest', aliases: ['zookeeper.DigestAuthenticationProvider.superDigest'], flag: '--super-digest', valueName: '<user:digest>', description: 'a digest identity that bypasses every ACL (the system property zookeeper.DigestAuthenticationProvider.superDigest)', defaultText: 'none', parse: superDigest }),
} as const;

export type KeyName = keyof typeof KEYS;
/** The parsed type of each key. */
export type KeyValue<K extends KeyName> = ReturnType<(typeof KEYS)[K]['parse']>;

/** zoo.cfg spelling (or alias) → table name. */
export const KEY_BY_SPELLING: ReadonlyMap<string, { readonly name: KeyName; readonly alias: boolean }> = new Map(
  (Object.keys(KEYS) as KeyName[]).flatMap((name): [string, { name: KeyName; alias: boolean }][] => {
    const s: KeySpec<unknown> = KEYS[name];
    return [[s.key, { name, alias: false }], ...(s.aliases ?? []).map((a): [string, { name: KeyName; alias: boolean }] => [a, { name, alias: true }])];
  }),
);

/**
 * Keys Apache ZooKeeper understands that coord does not act on yet: ignored with a warning that
 * says so, rather than the "unknown key" one (they are not typos).
 */
export const RECOGNISED_BUT_UNSUPPORTED: ReadonlySet<string> = new Set([
  'localSessionsEnabled', 'localSessionsUpgradingEnabled', 'secureClientPort', 'secureClientPortAddress', 'observerMasterPort',
  'clientPortListenBacklog', 'connectToLearnerMasterLimit', 'electionAlg', 'quorumListenOnAllIPs', 'peerType', 'syncEnabled',
  'dynamicConfigFile', 'sslQuorum', 'portUnification', 'sslQuorumReloadCertFiles', 'metricsProvider.httpHost', 'metricsProvider.exportJvmInfo',
  'admin.commandURL', 'admin.idleTimeout', 'snapSizeLimitInKb', 'globalOutstandingLimit', 'commitLogCount', 'serverCnxnFactory',
  'znode.container.checkIntervalMs', 'znode.container.maxPerMinute', 'authProvider.1', 'audit.enable', 'skipACL', 'maxResponseCacheSize',
]);
