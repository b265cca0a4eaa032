import { javaDouble } from './format.js';
import { COUNTER_NAMES, PROMETHEUS_QUANTILES, SUMMARY_LEVELS, SUMMARY_NAMES } from './metric-names.js';
import { monitorRows } from './monitor.js';
import { JsonDouble } from './json.js';
import type { ServerStatsSource } from './stats-source.js';

/**
 * The gauges ZooKeeperServer.registerMetrics registers, i.e. what PrometheusMetricsProvider
 * exports as `gauge` (mntr's version and server_state are strings and are not metrics).
 */
const GAUGES: ReadonlySet<string> = new Set([
  'avg_latency',
  'max_latency',
  'min_latency',
  'packets_received',
  'packets_sent',
  'num_alive_connections',
  'outstanding_requests',
  'uptime',
  'znode_count',
  'watch_count',
  'ephemerals_count',
  'approximate_data_size',
  'global_sessions',
  'local_sessions',
  'open_file_descriptor_count',
  'max_file_descriptor_count',
  'connection_drop_probability',
  'last_client_response_size',
  'max_client_response_size',
  'min_client_response_size',
  'outstanding_tls_handshake',
  'auth_failed_count',
  'non_mtls_remote_conn_count',
  'non_mtls_local_conn_count',
]);

function header(name: string, type: 'gauge' | 'counter' | 'summary'): string {
  // The provider uses the metric name as its help text.
  return `# HELP ${name} ${name}\n# TYPE ${name} ${type}\n`;
}

function sample(name: string, value: number, labels = ''): string {
  return `${name}${labels} ${javaDouble(value)}\n`;
}

/**
 * Prometheus text exposition format 0.0.4, as ZooKeeper's PrometheusMetricsProvider (simpleclient)
 * writes it: values as Java doubles, summaries with `{quantile="q",}` samples (NaN without
 * observations), then `_count` and `_sum`.
 */
export function renderPrometheus(source: ServerStatsSource): string {
  let out = '';
  for (const [name, value] of monitorRows(source)) {
    if (!GAUGES.has(name)) continue;
    const n = value instanceof JsonDouble ? value.value : Number(value);
    out += header(name, 'gauge') + sample(name, n);
  }
  for (const name of COUNTER_NAMES) out += header(name, 'counter') + sample(name, source.counter(name));
  for (const name of SUMMARY_NAMES) {
    const s = source.summary(name);
    out += header(name, 'summary');
    for (const q of PROMETHEUS_QUANTILES[SUMMARY_LEVELS[name]]) out += sample(name, s.quantile(q), `{quantile="${q}",}`);
    out += sample(`${name}_count`, s.count) + sample(`${name}_sum`, s.sum);
  }
  return out;
}
