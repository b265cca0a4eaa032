/** The server's operations surface: four-letter words, the HTTP AdminServer and /metrics. */
export { startAdminServer, type AdminServerOptions } from './admin-server.js';
export { startMetricsServer, PROMETHEUS_CONTENT_TYPE, type MetricsServerOptions } from './metrics-server.js';
export type { HttpEndpoint } from './http-listen.js';
export { coreStatsSource, serverStatsSource, type CoreSourceInput, type ConnectionState, type RunningServer } from './core-source.js';
export { ServerStats, ConnectionRecorder } from './server-stats.js';
export { lastOperationName, requestKind } from './request-kinds.js';
export { Summary } from './summary.js';
export { FOUR_LETTER_COMMANDS, runFourLetterCommand, type FourLetterCommand } from './four-letter.js';
export { ADMIN_COMMANDS, runAdminCommand, adminCommandNames } from './commands.js';
export { renderPrometheus } from './prometheus.js';
export { COUNTER_NAMES, SUMMARY_NAMES, type CounterName, type SummaryName } from './metric-names.js';
export type { ServerStatsSource, ConnectionStats, AdminConfig, SessionView, WatchView, SummarySnapshot } from './stats-source.js';
