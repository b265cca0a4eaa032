export * from './types.js';
export { startApacheEnsemble } from './apache.js';
export { startEnsemble, defaultCoordMainJs } from './coord.js';
export { memberZooCfg, serverLine, parseSrvrMode, type MemberConfig, type ServerLine } from './zoo-cfg.js';
