import { listenHttp, type HttpEndpoint } from './http-listen.js';
import { renderPrometheus } from './prometheus.js';
import type { ServerStatsSource } from './stats-source.js';

export interface MetricsServerOptions {
  /** metricsProvider.httpHost; default 127.0.0.1 (ZooKeeper's default is 0.0.0.0). */
  readonly host?: string;
  /** metricsProvider.httpPort; 0 picks a free port. */
  readonly port: number;
  readonly source: ServerStatsSource;
}

/** The content type of the text exposition format, as simpleclient's TextFormat.CONTENT_TYPE_004. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** PrometheusMetricsProvider's HTTP endpoint: `GET /metrics`; anything else is 404. */
export function startMetricsServer(options: MetricsServerOptions): Promise<HttpEndpoint> {
  return listenHttp(options.host ?? '127.0.0.1', options.port, (req, res) => {
    const path = new URL(req.url ?? '/', 'http://metrics').pathname;
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not Found\n');
      return;
    }
    let body: string;
    try {
      body = renderPrometheus(options.source);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`metrics failed: ${(err as Error).message}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
}
