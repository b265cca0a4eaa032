import { ConfigError, configWarning, type ConfigWarning, type SettingSource } from './config-error.js';
import { ALIAS_NOTE, KEY_BY_SPELLING, KEYS, PROMETHEUS_METRICS_PROVIDER, RECOGNISED_BUT_UNSUPPORTED, type KeyName, type KeySpec, type KeyValue } from './keys.js';
import { PropertiesSyntaxError, readProperties } from './properties.js';
import { ZOOKEEPER_DEFAULTS as D, type ServerConfig } from './server-config.js';
import { parseServerId, parseServerLine, serverIdOfKey, QuorumRole, type QuorumServerSpec } from './servers.js';
import { BadValue } from './values.js';

/**
 * zoo.cfg → ServerConfig. Two steps so command-line flags go through the same checks as file
 * lines: `settingsFromZooCfg` reads the text into raw settings that remember their line, and
 * `resolveServerConfig` parses, validates and applies ZooKeeper's defaults over file settings
 * followed by flag settings (later wins). Pure: no fs, no process state.
 */

/** One raw `key=value`, before parsing, with where it came from. */
export interface ConfigSetting {
  readonly key: string;
  readonly value: string;
  readonly source: SettingSource;
}

export interface ParsedServerConfig {
  readonly config: ServerConfig;
  readonly warnings: readonly ConfigWarning[];
}

export interface ResolveOptions {
  /** Name used in messages (and ServerConfig.file); the path given on the command line. */
  readonly file?: string;
  /** --in-memory: dataDir becomes optional and is ignored. */
  readonly inMemory?: boolean;
}

export interface ParseZooCfgOptions extends ResolveOptions {
  readonly file: string;
  /** Settings that override the file (command-line flags), applied after it. */
  readonly overrides?: readonly ConfigSetting[];
}

/** Reads the text as Java properties; every line becomes a setting with its line number. */
export function settingsFromZooCfg(text: string, file: string): ConfigSetting[] {
  try {
    return readProperties(text).map((e) => ({ key: e.key, value: e.value, source: { kind: 'file', file, line: e.line } }));
  } catch (err) {
    if (err instanceof PropertiesSyntaxError) throw new ConfigError({ kind: 'file', file, line: err.line }, '(syntax)', err.detail);
    throw err;
  }
}

/** Parses a zoo.cfg text (plus overrides) into a checked ServerConfig and its warnings. */
export function parseZooCfg(text: string, options: ParseZooCfgOptions): ParsedServerConfig {
  return resolveServerConfig([...settingsFromZooCfg(text, options.file), ...(options.overrides ?? [])], options);
}

interface Parsed<T> {
  readonly value: T;
  readonly source: SettingSource;
  readonly spelling: string;
}

const NO_FILE = 'command line';

function lineOf(source: SettingSource): string {
  return source.kind === 'file' ? `line ${source.line}` : source.kind === 'flag' ? source.flag : source.file;
}

/** Parses each setting, then cross-checks and fills in defaults. Throws ConfigError on the first bad value. */
export function resolveServerConfig(settings: readonly ConfigSetting[], options: ResolveOptions = {}): ParsedServerConfig {
  const file = options.file ?? NO_FILE;
  const warnings: ConfigWarning[] = [];
  // Values in this map always come from KEYS[name].parse, which is what get() relies on.
  const values = new Map<KeyName, Parsed<unknown>>();
  const servers = new Map<number, Parsed<QuorumServerSpec>>();

  for (const s of settings) {
    const serverId = serverIdOfKey(s.key);
    if (serverId !== undefined) {
      const spec = parseOrThrow(s, (raw) => parseServerLine(parseServerId(serverId), raw));
      const earlier = servers.get(spec.id);
      if (earlier !== undefined && earlier.source.kind === 'file' && s.source.kind === 'file') {
        warnings.push(configWarning(s.source, s.key, `set again; this line wins over ${lineOf(earlier.source)}`));
      }
      servers.set(spec.id, { value: spec, source: s.source, spelling: s.key });
      continue;
    }
    const known = KEY_BY_SPELLING.get(s.key);
    if (known === undefined) {
      warnings.push(configWarning(s.source, s.key, unknownKeyDetail(s.key)));
      continue;
    }
    const spec: KeySpec<unknown> = KEYS[known.name];
    if (known.alias) warnings.push(configWarning(s.source, s.key, `${ALIAS_NOTE} "${spec.key}"`));
    const earlier = values.get(known.name);
    if (earlier !== undefined && earlier.source.kind === 'file' && s.source.kind === 'file') {
      warnings.push(configWarning(s.source, s.key, `set again; this line wins over ${lineOf(earlier.source)}`));
    }
    values.set(known.name, { value: parseOrThrow(s, spec.parse), source: s.source, spelling: s.key });
  }

  const get = <K extends KeyName>(name: K): Parsed<KeyValue<K>> | undefined => values.get(name) as Parsed<KeyValue<K>> | undefined;
  const missing: SettingSource = { kind: 'unset', file };

  const tickTimeMs = get('tickTime')?.value ?? D.tickTimeMs;
  const session = resolveSessionTimeouts(get('minSessionTimeout'), get('maxSessionTimeout'), tickTimeMs);

  const inMemory = options.inMemory === true;
  const dataDir = get('dataDir');
  const dataLogDir = get('dataLogDir');
  if (!inMemory && dataDir === undefined) {
    throw new ConfigError(dataLogDir?.source ?? missing, 'dataDir', 'is not set; expected the directory for snapshots (zoo.cfg dataDir=..., --data-dir), or run with --in-memory');
  }
  if (inMemory && (dataDir !== undefined || dataLogDir !== undefined)) {
    const s = dataDir ?? dataLogDir;
    if (s !== undefined) warnings.push(configWarning(s.source, s.spelling, 'ignored: --in-memory keeps everything in memory'));
  }

  let snapCount = get('snapCount')?.value ?? D.snapCount;
  if (snapCount < 2) {
    const s = get('snapCount');
    if (s !== undefined) warnings.push(configWarning(s.source, s.spelling, `${snapCount} is below 2; using 2 (as ZooKeeper does)`));
    snapCount = 2;
  }
  let snapRetainCount = get('snapRetainCount')?.value ?? D.snapRetainCount;
  if (snapRetainCount < 3) {
    const s = get('snapRetainCount');
    if (s !== undefined) warnings.push(configWarning(s.source, s.spelling, `${snapRetainCount} is below the minimum 3; using 3 (as ZooKeeper does)`));
    snapRetainCount = 3;
  }

  const providerClassName = get('metricsProviderClassName')?.value ?? KEYS.metricsProviderClassName.defaultText;
  const prometheusEnabled = providerClassName === PROMETHEUS_METRICS_PROVIDER;
  const httpPort = get('metricsProviderHttpPort');
  if (httpPort !== undefined && !prometheusEnabled) {
    warnings.push(configWarning(httpPort.source, httpPort.spelling, `only used with metricsProvider.className=${PROMETHEUS_METRICS_PROVIDER}`));
  }

  const quorum = resolveQuorum([...servers.values()], get('standaloneEnabled')?.value ?? D.standaloneEnabled, warnings, missing);
  const initLimit = get('initLimit')?.value;
  const syncLimit = get('syncLimit')?.value;
  if (quorum.mode === 'ensemble') {
    if (initLimit === undefined) throw new ConfigError(missing, 'initLimit', 'is not set; expected the ticks a follower may take to sync (required when server.N lines configure an ensemble)');
    if (syncLimit === undefined) throw new ConfigError(missing, 'syncLimit', 'is not set; expected the ticks a follower may lag (required when server.N lines configure an ensemble)');
  }

  const config: ServerConfig = {
    file: options.file,
    mode: quorum.mode,
    tickTimeMs,
    client: {
      host: get('clientPortAddress')?.value ?? D.clientHost,
      port: get('clientPort')?.value ?? D.clientPort,
      maxConnectionsPerIp: get('maxClientCnxns')?.value ?? D.maxClientCnxns,
      maxFrameBytes: get('juteMaxBuffer')?.value ?? D.maxFrameBytes,
      fourLetterWords: get('fourLetterWords')?.value ?? D.fourLetterWords,
    },
    session,
    extendedTypesEnabled: get('extendedTypesEnabled')?.value ?? D.extendedTypesEnabled,
    superDigest: get('superDigest')?.value,
    persistence: {
      inMemory,
      dataDir: inMemory ? undefined : dataDir?.value,
      dataLogDir: inMemory ? undefined : (dataLogDir?.value ?? dataDir?.value),
      snapCount,
      preAllocSizeKb: get('preAllocSize')?.value ?? D.preAllocSizeKb,
      forceSync: get('forceSync')?.value ?? D.forceSync,
      autopurge: { snapRetainCount, purgeIntervalHours: get('purgeInterval')?.value ?? D.purgeIntervalHours },
    },
    admin: {
      enabled: get('adminEnableServer')?.value ?? D.adminEnabled,
      host: get('adminServerAddress')?.value ?? D.adminHost,
      port: get('adminServerPort')?.value ?? D.adminPort,
    },
    metrics: { providerClassName, prometheusEnabled, httpPort: httpPort?.value ?? D.metricsHttpPort },
    quorum: {
      servers: quorum.servers,
      initLimitTicks: initLimit,
      syncLimitTicks: syncLimit,
      standaloneEnabled: get('standaloneEnabled')?.value ?? D.standaloneEnabled,
      reconfigEnabled: get('reconfigEnabled')?.value ?? D.reconfigEnabled,
    },
  };
  return { config, warnings };
}

function parseOrThrow<T>(s: ConfigSetting, parse: (raw: string) => T): T {
  try {
    return parse(s.value);
  } catch (err) {
    if (err instanceof BadValue) throw new ConfigError(s.source, s.key, err.expected);
    throw err;
  }
}

function unknownKeyDetail(key: string): string {
  if (RECOGNISED_BUT_UNSUPPORTED.has(key) || /^(group|weight)\./.test(key) || key.startsWith('quorum.') || key.startsWith('ssl.')) {
    return 'a ZooKeeper setting coord does not support yet; ignored';
  }
  return 'unknown key; ignored (check the spelling: keys are case-sensitive)';
}

/** ZooKeeper's rule: defaults of 2 and 20 ticks, and min must not exceed max (whoever set them). */
function resolveSessionTimeouts(min: Parsed<number> | undefined, max: Parsed<number> | undefined, tickTimeMs: number): ServerConfig['session'] {
  const minTimeoutMs = min?.value ?? D.minSessionTimeoutTicks * tickTimeMs;
  const maxTimeoutMs = max?.value ?? D.maxSessionTimeoutTicks * tickTimeMs;
  if (minTimeoutMs > maxTimeoutMs) {
    const blame = min ?? max;
    const key = min !== undefined ? min.spelling : 'maxSessionTimeout';
    const minText = min === undefined ? `${minTimeoutMs} ms (2 x tickTime)` : `${minTimeoutMs} ms`;
    const maxText = max === undefined ? `${maxTimeoutMs} ms (20 x tickTime)` : `${maxTimeoutMs} ms`;
    if (blame !== undefined) throw new ConfigError(blame.source, key, `minSessionTimeout ${minText} must not be larger than maxSessionTimeout ${maxText}`);
  }
  return { minTimeoutMs, maxTimeoutMs };
}

/** Standalone unless more than one voter is configured, or one with standaloneEnabled=false (QuorumPeerConfig.isDistributed). */
function resolveQuorum(entries: readonly Parsed<QuorumServerSpec>[], standaloneEnabled: boolean, warnings: ConfigWarning[], missing: SettingSource): { mode: ServerConfig['mode']; servers: QuorumServerSpec[] } {
  const servers = entries.map((e) => e.value).sort((a, b) => a.id - b.id);
  const voters = servers.filter((s) => s.role === QuorumRole.participant);
  if (servers.length > 0 && voters.length === 0) throw new ConfigError(entries[0]?.source ?? missing, entries[0]?.spelling ?? 'server.N', 'observers without participants is not a valid ensemble; expected at least one participant');
  const first = entries[0];
  if (servers.length === 1 && standaloneEnabled && first !== undefined) {
    warnings.push(configWarning(first.source, first.spelling, 'only one server is configured and standaloneEnabled=true: running standalone (as ZooKeeper does)'));
  }
  const ensemble = voters.length > 1 || (voters.length === 1 && !standaloneEnabled);
  return { mode: ensemble ? 'ensemble' : 'standalone', servers };
}
