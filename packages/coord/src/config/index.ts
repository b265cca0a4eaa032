// The zoo.cfg reader: pure, no I/O. `coord server` reads the file and hands the text here.
export { ConfigError, describeSource, type ConfigWarning, type SettingSource } from './config-error.js';
export { DEFAULT_METRICS_PROVIDER, KEYS, PROMETHEUS_METRICS_PROVIDER, type KeyName, type KeySpec } from './keys.js';
export { readProperties, PropertiesSyntaxError, type PropertyEntry } from './properties.js';
export { ZOOKEEPER_DEFAULTS, type ServerConfig } from './server-config.js';
export { MAX_SERVER_ID, QuorumRole, type QuorumServerSpec } from './servers.js';
export { KNOWN_FOUR_LETTER_WORDS } from './values.js';
export { parseZooCfg, resolveServerConfig, settingsFromZooCfg, type ConfigSetting, type ParsedServerConfig, type ParseZooCfgOptions, type ResolveOptions } from './zoo-cfg.js';
