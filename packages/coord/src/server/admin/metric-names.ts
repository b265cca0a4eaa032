/**
 * The ZooKeeper 3.8 metrics (ServerMetrics) that mean something for a standalone server. Names
 * are ZooKeeper's, so mntr parsers and Prometheus dashboards built for it work unchanged. Metrics
 * of the quorum (proposals, learners, elections, observers) are left out.
 */
export const COUNTER_NAMES = [
  'watch_bytes',
  'outstanding_changes_removed',
  'throttled_ops',
  'stale_requests_dropped',
  'large_requests_rejected',
  'insecure_admin_count',
  'connection_rejected',
  'cnxn_closed_without_zk_server_running',
  'sessionless_connections_expired',
  'dead_watchers_queued',
  'stale_requests',
  'connection_drop_count',
  'digest_mismatches_count',
  'dead_watchers_cleared',
  'bytes_received_count',
  'request_throttle_wait_count',
  'prep_processor_request_queued',
  'stale_replies',
  'connection_request_count',
  'response_bytes',
  'connection_revalidate_count',
  'snap_count',
  'unrecoverable_error_count',
  'unsuccessful_handshake',
  'stale_sessions_expired',
  'sync_processor_request_queued',
  'outstanding_changes_queued',
  'request_commit_queued',
  'tls_handshake_exceeded',
  'revalidate_count',
] as const;
export type CounterName = (typeof COUNTER_NAMES)[number];

/**
 * Summaries and their detail level: ADVANCED ones also report percentiles (mntr's p50_..p999_
 * keys; Prometheus quantiles 0.5/0.9/0.99), BASIC ones only avg/min/max/cnt/sum (Prometheus 0.5).
 */
export const SUMMARY_LEVELS = {
  readlatency: 'advanced',
  updatelatency: 'advanced',
  fsynctime: 'basic',
  snapshottime: 'basic',
  dbinittime: 'basic',
  startup_txns_loaded: 'basic',
  startup_txns_load_time: 'basic',
  startup_snap_load_time: 'basic',
  node_created_watch_count: 'basic',
  node_deleted_watch_count: 'basic',
  node_changed_watch_count: 'basic',
  node_children_watch_count: 'basic',
  prep_process_time: 'basic',
  close_session_prep_time: 'advanced',
  sync_processor_batch_size: 'basic',
  read_final_proc_time_ms: 'advanced',
  write_final_proc_time_ms: 'advanced',
} as const;
export type SummaryName = keyof typeof SUMMARY_LEVELS;
export const SUMMARY_NAMES = Object.keys(SUMMARY_LEVELS) as SummaryName[];

/** mntr's percentile keys for ADVANCED summaries (AvgMinMaxPercentileCounter). */
export const MNTR_PERCENTILES = [
  ['p50', 0.5],
  ['p95', 0.95],
  ['p99', 0.99],
  ['p999', 0.999],
] as const;

/** The Prometheus provider's quantiles (PrometheusMetricsProvider.PrometheusSummary). */
export const PROMETHEUS_QUANTILES = { advanced: [0.5, 0.9, 0.99], basic: [0.5] } as const;
