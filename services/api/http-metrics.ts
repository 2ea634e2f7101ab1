/**
 * HTTP request counts and latency of the gateway, as broker metrics (moleculer-web records none).
 * Labels stay few and bounded: the method, the action the request reached ('none' for unrouted
 * paths, so random URLs cannot grow the label set) and the status code.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { MetricRegistry } from 'moleculer';

export const HTTP_REQUESTS_TOTAL = 'pinksea.http.requests.total';
export const HTTP_REQUEST_DURATION = 'pinksea.http.request.duration.seconds';

/** Prometheus' usual latency buckets, in seconds. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Counts every request the server answers and times it; nothing when metrics are disabled. */
export function instrumentHttpServer(server: Server, metrics: MetricRegistry): void {
  if (!metrics.isEnabled()) return;
  if (!metrics.hasMetric(HTTP_REQUESTS_TOTAL)) {
    metrics.register({ name: HTTP_REQUESTS_TOTAL, type: 'counter', labelNames: ['method', 'action', 'status'], description: 'HTTP requests answered by the API gateway' });
    metrics.register({ name: HTTP_REQUEST_DURATION, type: 'histogram', labelNames: ['method', 'action'], buckets: BUCKETS, description: 'Time from request to response end, in seconds' });
  }
  server.on('request', (req: IncomingMessage & { $action?: { name?: string } }, res: ServerResponse) => {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      const action = req.$action?.name ?? 'none';
      const method = req.method ?? 'UNKNOWN';
      metrics.increment(HTTP_REQUESTS_TOTAL, { method, action, status: String(res.statusCode) });
      metrics.observe(HTTP_REQUEST_DURATION, Number(process.hrtime.bigint() - started) / 1e9, { method, action });
    });
  });
}
