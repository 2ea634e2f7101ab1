/**
 * Liveness and readiness for load balancers and orchestrators: /health answers while the process
 * runs; /ready only when the database answers too.
 */
import type { ServiceSchema } from 'moleculer';
import type { DataSource } from 'typeorm';
import { PinkseaError } from '../../engine/errors';

export function createHealthService(dataSource: DataSource): ServiceSchema {
  return {
    name: 'health',
    // Routes are given whole on each action, not under a per-service prefix.
    settings: { rest: '/' },
    actions: {
      live: {
        rest: 'GET /health',
        auth: 'none',
        handler: () => ({ status: 'ok' }),
      },
      ready: {
        rest: 'GET /ready',
        auth: 'none',
        async handler() {
          try {
            await dataSource.query('SELECT 1');
          } catch (error) {
            throw new PinkseaError('database_unavailable', `The database does not answer: ${(error as Error).message}`, 'transient');
          }
          return { status: 'ready' };
        },
      },
    },
  };
}
