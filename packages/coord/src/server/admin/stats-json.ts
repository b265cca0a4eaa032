import { JsonDouble, type JsonValue } from './json.js';
import type { ConnectionStats, ServerStatsSource } from './stats-source.js';

type JsonObject = Record<string, JsonValue>;

/** ServerCnxn.getConnectionInfo (Jackson writes the address as `127.0.0.1:56724`). */
export function connectionJson(c: ConnectionStats, brief: boolean): JsonObject {
  const base: JsonObject = {
    remote_socket_address: `${c.remoteAddress}:${c.remotePort}`,
    interest_ops: c.interestOps,
    outstanding_requests: c.outstandingRequests,
    packets_received: c.packetsReceived,
    packets_sent: c.packetsSent,
  };
  if (brief) return base;
  return {
    ...base,
    session_id: c.sessionId,
    last_operation: c.lastOperation,
    established: c.establishedAtMs,
    session_timeout: c.sessionTimeoutMs,
    last_cxid: c.lastCxid,
    last_zxid: c.lastZxid,
    last_response_time: c.lastResponseTimeMs,
    last_latency: Math.round(c.lastLatencyMs),
    min_latency: Math.round(c.latency.min),
    avg_latency: Math.floor(c.latency.avg),
    max_latency: Math.round(c.latency.max),
  };
}

/** `server_stats`/`srvr` (Commands.SrvrCommand): ServerStats as Jackson serialises it, plus the node count. */
export function serverStatsJson(s: ServerStatsSource): JsonObject {
  const latency = s.requestLatency();
  const sizes = s.clientResponseSizes();
  const responseStats = { last_buffer_size: sizes.last, min_buffer_size: sizes.min, max_buffer_size: sizes.max };
  return {
    version: s.version,
    read_only: s.readOnly(),
    server_stats: {
      packets_sent: s.packetsSent(),
      packets_received: s.packetsReceived(),
      fsync_threshold_exceed_count: 0,
      client_response_stats: responseStats,
      data_dir_size: s.dataDirSizeBytes(),
      log_dir_size: s.logDirSizeBytes(),
      provider_null: false,
      server_state: s.serverState(),
      last_processed_zxid: s.lastProcessedZxid(),
      outstanding_requests: s.outstandingRequests(),
      avg_latency: new JsonDouble(Math.round(latency.avg * 10_000) / 10_000),
      max_latency: Math.round(latency.max),
      min_latency: Math.round(latency.min),
      num_alive_client_connections: s.connections().length,
      uptime: Math.round(s.uptimeMs()),
      auth_failed_count: s.authFailedCount(),
      non_mtlsremote_conn_count: 0,
      non_mtlslocal_conn_count: 0,
    },
    client_response: responseStats,
    node_count: s.nodeCount(),
  };
}
