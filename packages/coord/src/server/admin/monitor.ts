import { avgLatency, javaDouble } from './format.js';
import { JsonDouble } from './json.js';
import { COUNTER_NAMES, MNTR_PERCENTILES, SUMMARY_LEVELS, SUMMARY_NAMES } from './metric-names.js';
import type { ServerStatsSource, SummarySnapshot } from './stats-source.js';

export type MonitorValue = number | bigint | string | JsonDouble;

/** A long as ZooKeeper keeps it (latencies are whole milliseconds there). */
function long(value: number): number {
  return Math.round(value);
}

function double(value: number): JsonDouble {
  return new JsonDouble(Math.round(value * 10_000) / 10_000);
}

function summaryRows(name: string, s: SummarySnapshot, advanced: boolean): [string, MonitorValue][] {
  const rows: [string, MonitorValue][] = [
    [`avg_${name}`, double(s.avg)],
    [`min_${name}`, long(s.min)],
    [`max_${name}`, long(s.max)],
    [`cnt_${name}`, s.count],
    [`sum_${name}`, long(s.sum)],
  ];
  if (advanced) for (const [p, q] of MNTR_PERCENTILES) rows.push([`${p}_${name}`, s.count === 0 ? 0 : long(s.quantile(q))]);
  return rows;
}

/**
 * mntr's key/value pairs without the `zk_` prefix, in ZooKeeper 3.8's order: the server gauges
 * (ZooKeeperServer.registerMetrics, as MonitorCommand lists them), then counters, then summaries.
 * `/commands/monitor` returns the same pairs as JSON.
 */
export function monitorRows(source: ServerStatsSource): [string, MonitorValue][] {
  const latency = source.requestLatency();
  const sizes = source.clientResponseSizes();
  const fds = source.fileDescriptors();
  const rows: [string, MonitorValue][] = [
    ['version', source.version],
    ['server_state', source.serverState()],
    ['ephemerals_count', [...source.ephemerals().values()].reduce((n, paths) => n + paths.length, 0)],
    ['num_alive_connections', source.connections().length],
    ['avg_latency', double(latency.avg)],
    ['outstanding_requests', source.outstandingRequests()],
    ['znode_count', source.nodeCount()],
    ['global_sessions', source.sessions().length],
    ['non_mtls_remote_conn_count', 0],
    ['last_client_response_size', sizes.last],
    ['packets_sent', source.packetsSent()],
    ['packets_received', source.packetsReceived()],
    ['max_client_response_size', sizes.max],
    ['connection_drop_probability', new JsonDouble(0)],
    ['watch_count', source.watchCount()],
    ['auth_failed_count', source.authFailedCount()],
    ['min_latency', long(latency.min)],
  ];
  if (fds !== undefined) rows.push(['max_file_descriptor_count', fds.max]);
  rows.push(['approximate_data_size', source.approximateDataSize()]);
  if (fds !== undefined) rows.push(['open_file_descriptor_count', fds.open]);
  rows.push(
    ['local_sessions', 0],
    ['uptime', long(source.uptimeMs())],
    ['max_latency', long(latency.max)],
    ['outstanding_tls_handshake', 0],
    ['min_client_response_size', sizes.min],
    ['non_mtls_local_conn_count', 0],
  );
  for (const name of COUNTER_NAMES) rows.push([name, source.counter(name)]);
  for (const name of SUMMARY_NAMES) rows.push(...summaryRows(name, source.summary(name), SUMMARY_LEVELS[name] === 'advanced'));
  return rows;
}

/** A value as MonitorCommand prints it: doubles as Java does (the average latency rounded to 4 places). */
function mntrValue(key: string, value: MonitorValue): string {
  if (!(value instanceof JsonDouble)) return String(value);
  return key === 'avg_latency' ? avgLatency(value.value) : javaDouble(value.value);
}

/** The `mntr` four-letter word: `zk_<key>\t<value>` lines. */
export function mntrText(source: ServerStatsSource): string {
  return monitorRows(source)
    .map(([key, value]) => `zk_${key}\t${mntrValue(key, value)}\n`)
    .join('');
}
