/**
 * The node catalogue (GET /api/v1/nodes): every loaded node type as JSON, from which the studio
 * builds its palette, sockets and widgets. Also validates a graph without running it.
 */
import type { Context, ServiceSchema } from 'moleculer';
import { buildCatalogue, type CatalogueEntry } from '../../engine/catalogue';
import type { Issue } from '../../engine/errors';
import { validateGraph } from '../../engine/graph/validate-graph';
import type { NodeRegistry } from '../../engine/registry/node-registry';
import { NotFoundError } from '../platform/service-errors';

export function createNodesService(registry: NodeRegistry): ServiceSchema {
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
      list: {
        rest: 'GET /nodes',
        auth: 'none',
        params: { category: { type: 'string', optional: true }, search: { type: 'string', optional: true, max: 200 } },
        handler(ctx: Context<{ category?: string; search?: string }>): CatalogueEntry[] {
          const { category, search } = ctx.params;
          const needle = search?.toLowerCase();
          return catalogue().filter(
            (entry) =>
              (!category || entry.category === category) &&
              (!needle || [entry.type, entry.title, entry.description, ...entry.tags].some((text) => text.toLowerCase().includes(needle))),
          );
        },
      },
      get: {
        rest: 'GET /nodes/:type',
        auth: 'none',
        params: { type: { type: 'string', min: 1, max: 200 } },
        handler(ctx: Context<{ type: string }>): CatalogueEntry {
          const entry = catalogue().find((candidate) => candidate.type === ctx.params.type);
          if (!entry) throw new NotFoundError('node type', ctx.params.type);
          return entry;
        },
      },
      validate: {
        rest: 'POST /graphs/validate',
        params: { graph: { type: 'object' } },
        handler(ctx: Context<{ graph: unknown }>): { valid: boolean; issues: Issue[] } {
          const issues = validateGraph(ctx.params.graph, registry);
          return { valid: issues.length === 0, issues };
        },
      },
    },
  };
}
