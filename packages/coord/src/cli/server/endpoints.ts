import type { Logger } from 'pino';
import type { ServerConfig } from '../../config/index.js';
import { startAdminServer } from '../../server/admin/admin-server.js';
import type { HttpEndpoint } from '../../server/admin/http-listen.js';
import { startMetricsServer } from '../../server/admin/metrics-server.js';
import type { ServerStatsSource } from '../../server/admin/stats-source.js';

/**
 * The HTTP side of `coord server`: the AdminServer (admin.enableServer, on by default as in
 * ZooKeeper) and the Prometheus endpoint (metricsProvider.className = PrometheusMetricsProvider).
 * As in ZooKeeper, an AdminServer that cannot bind is logged and the server keeps serving.
 */
export async function startHttpEndpoints(config: ServerConfig, source: ServerStatsSource, log: Logger): Promise<HttpEndpoint[]> {
  const endpoints: HttpEndpoint[] = [];
  if (config.admin.enabled) {
    try {
      const admin = await startAdminServer({ host: config.admin.host, port: config.admin.port, source });
      endpoints.push(admin);
      log.info({ adminPort: admin.port }, `admin server listening on http://${admin.host}:${admin.port}/commands`);
    } catch (err) {
      log.error({ err }, `admin server could not start on ${config.admin.host}:${config.admin.port}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (config.metrics.prometheusEnabled) {
    const metrics = await startMetricsServer({ host: config.client.host, port: config.metrics.httpPort, source });
    endpoints.push(metrics);
    log.info({ metricsPort: metrics.port }, `metrics listening on http://${metrics.host}:${metrics.port}/metrics`);
  }
  return endpoints;
}
