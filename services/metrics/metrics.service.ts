/**
 * Prometheus metrics (role `api`): GET /api/v1/metrics answers this process's broker metrics
 * (Moleculer's request counts and times, the gateway's HTTP counts and latency, process figures)
 * and the queue's items by status, counted at scrape time. Admins may read it, and so may a
 * scraper holding the configured token (PINKSEA_METRICS_TOKEN), which opens nothing else.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MetricRegistry, Service, ServiceSchema } from 'moleculer';
import { PinkseaError } from '../../engine/errors';
import { ITEM_STATUSES } from '../queue/queue-store';
import { defineAction } from '../kernel/action-params';
import { PROMETHEUS_CONTENT_TYPE, renderRegistry } from './prometheus-text';
import type { QueueStatusSource } from './queue-status.repository';

export const QUEUE_ITEMS = 'pinksea.queue.items';
export const DATABASE_UP = 'pinksea.database.up';

export interface MetricsServiceOptions {
  readonly queueStatus: QueueStatusSource;
  /** Bearer token a scraper may use instead of an admin's credential; empty: admins only. */
  readonly token: string;
}

export function createMetricsService(options: MetricsServiceOptions): ServiceSchema {
  async function updateQueueGauges(metrics: MetricRegistry, logger: Service['logger']): Promise<void> {
    try {
      const totals = await options.queueStatus.countByStatus();
      for (const status of ITEM_STATUSES) metrics.set(QUEUE_ITEMS, totals[status], { status });
      metrics.set(DATABASE_UP, 1);
    } catch (error) {
      // The other metrics still matter (most when the database is down): report the gap, not stale counts.
      logger.warn(`Counting queue items for metrics failed: ${(error as Error).message}`);
      metrics.getMetric(QUEUE_ITEMS)?.clear();
      metrics.set(DATABASE_UP, 0);
    }
  }

  return {
    name: 'metrics',
    settings: { rest: '/' },
    created(this: Service) {
      const metrics = this.broker.metrics;
      if (!metrics.isEnabled()) return;
      metrics.register({ name: QUEUE_ITEMS, type: 'gauge', labelNames: ['status'], description: 'Queue items by status, all owners and queues' });
      metrics.register({ name: DATABASE_UP, type: 'gauge', description: '1 when the database answered the last scrape\'s queue count, else 0' });
    },
    actions: {
      scrape: defineAction({
        rest: 'GET /metrics',
        auth: 'admin',
        acceptsToken: tokenMatcher(options.token),
        summary: 'Prometheus metrics of this API process and the queue',
        description: 'Admins, or a scraper sending the configured metrics token as its bearer credential.',
        responseType: 'text/plain',
        params: {},
        async handler(ctx): Promise<string> {
          const metrics = this.broker.metrics;
          if (!metrics.isEnabled()) throw new PinkseaError('metrics_disabled', 'Metrics are turned off on this node', 'transient');
          await updateQueueGauges(metrics, this.logger);
          ctx.meta.$responseType = PROMETHEUS_CONTENT_TYPE;
          return renderRegistry(metrics);
        },
      }),
    },
  };
}

/** Compares in constant time (over digests, so lengths leak nothing either); never matches when unset. */
function tokenMatcher(expected: string): (token: string) => boolean {
  if (!expected) return () => false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  const wanted = digest(expected);
  return (token) => timingSafeEqual(digest(token), wanted);
}
