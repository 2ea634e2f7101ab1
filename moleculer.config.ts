/**
 * Broker options, mapped from the typed configuration. One config for every role: the role
 * decides which services a process runs (services/platform/platform.ts), not how the broker works.
 */
import os from 'node:os';
import type { BrokerOptions, Middleware } from 'moleculer';
import type { PinkseaConfig } from './config/config';
import { AuthMiddleware } from './services/kernel/auth-middleware';
import { ErrorMappingMiddleware } from './services/kernel/error-middleware';
import { BoundedValidator } from './services/kernel/input-bounds';
import { ThreadTransporter } from './services/platform/thread-transporter';

/**
 * `metadata` is advertised to the whole cluster (a worker's pool, GPU and providers).
 * `threadChannel` joins the brokers of one process's threads (the `all` role and its runner
 * threads) when the config names no transporter. `inner` middlewares wrap actions inside the auth
 * check: they see only calls it let through (the admin audit log).
 */
export function createBrokerOptions(config: PinkseaConfig, metadata: Record<string, unknown> = {}, threadChannel?: string, inner: readonly Middleware[] = []): BrokerOptions {
  return {
    namespace: config.namespace,
    nodeID: config.nodeId || `${os.hostname()}-${config.role}-${process.pid}`,
    transporter: (config.transporter || (threadChannel ? new ThreadTransporter(threadChannel) : undefined)) as BrokerOptions['transporter'],
    logger: { type: 'Console', options: { level: config.logLevel, formatter: 'short', colors: false, moduleColors: false } },
    requestTimeout: 30_000,
    // A worker that dies without a word (kill -9, a lost host) is noticed in 15 s, not Moleculer's
    // 30: its own queue goes back to its pool that much sooner.
    heartbeatInterval: 5,
    heartbeatTimeout: 15,
    retryPolicy: { enabled: false },
    // Later middlewares wrap earlier ones: error mapping is outermost, so auth failures become 401/403.
    middlewares: [...inner, AuthMiddleware, ErrorMappingMiddleware],
    // Validation with the routes' bounds (no NUL bytes, no deep JSON) checked first.
    validator: new BoundedValidator(),
    metadata: { role: config.role, ...metadata },
    // Request counts and times of every action. No reporter: the metrics service renders the
    // registry in Prometheus' format behind the API's port and auth, rather than opening a port.
    metrics: { enabled: true },
  };
}
