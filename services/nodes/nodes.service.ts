/**
 * The node catalogue (GET /api/v1/nodes): every loaded node type as JSON, from which the studio
 * builds its palette, sockets and widgets. Also validates a graph, or a whole batch exactly as
 * enqueue_batch checks it, without running or queueing anything.
 */
import type { ServiceSchema } from 'moleculer';
import { buildCatalogue, type CatalogueEntry } from '../../engine/catalogue';
import { validateBatch, type BatchLimits } from '../../engine/batch/validate-batch';
import { BatchValidationError, GraphValidationError } from '../../engine/errors';
import { validateGraph } from '../../engine/graph/validate-graph';
import type { NodeRegistry } from '../../engine/registry/node-registry';
import { BATCH_PARAM } from '../queue/batch-params';
import { defineAction } from '../kernel/action-params';
import { InvalidInputError, NotFoundError } from '../kernel/service-errors';
import type { GraphCheck } from './graph-check';

/** `limits`: the node, edge and item limits enqueue applies (none when not given). */
export function createNodesService(registry: NodeRegistry, limits: BatchLimits = {}): ServiceSchema {
  let cached: { version: number; entries: CatalogueEntry[] } | undefined;
  const catalogue = () => {
    if (cached?.version !== registry.version) cached = { version: registry.version, entries: buildCatalogue(registry) };
    return cached.entries;
  };
  return {
    name: 'nodes',
    // Routes are given whole on each action, not under a per-service prefix.
    settings: { rest: '/' },
    actions: {
      list: defineAction({
        rest: 'GET /nodes',
        auth: 'none',
        params: { category: { type: 'string', optional: true }, search: { type: 'string', optional: true, max: 200 } },
        handler(ctx): CatalogueEntry[] {
          const { category, search } = ctx.params;
          const needle = search?.toLowerCase();
          return catalogue().filter(
            (entry) =>
              (!category || entry.category === category) &&
              (!needle || [entry.type, entry.title, entry.description, ...entry.tags].some((text) => text.toLowerCase().includes(needle))),
          );
        },
      }),
      get: defineAction({
        rest: 'GET /nodes/:type',
        auth: 'none',
        params: { type: { type: 'string', min: 1, max: 200 } },
        handler(ctx): CatalogueEntry {
          const entry = catalogue().find((candidate) => candidate.type === ctx.params.type);
          if (!entry) throw new NotFoundError('node type', ctx.params.type);
          return entry;
        },
      }),
      validate: defineAction({
        rest: 'POST /graphs/validate',
        params: { graph: { type: 'object', optional: true }, batch: { ...BATCH_PARAM, optional: true } },
        handler(ctx): GraphCheck {
          const { graph, batch } = ctx.params;
          if ((graph === undefined) === (batch === undefined)) {
            throw new InvalidInputError([{ code: 'invalid_input', field: 'graph', message: 'send either a graph or a batch ({graph, data, runs}), not both' }]);
          }
          if (!batch) {
            const issues = validateGraph(graph, registry, limits);
            return { valid: issues.length === 0, issues };
          }
          try {
            return { valid: true, issues: [], items: validateBatch(batch, registry, limits).items };
          } catch (error) {
            if (error instanceof GraphValidationError || error instanceof BatchValidationError) return { valid: false, issues: error.issues };
            throw error;
          }
        },
      }),
    },
  };
}
