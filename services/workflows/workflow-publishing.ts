/**
 * What publishing asks of a draft: that its graph pass the same validation as `POST
 * /graphs/validate` and a run (engine/graph/validate-graph.ts, with the platform's node and edge
 * limits), every issue reported at once; and, for a graph that does, the node and pack versions
 * it was validated against, to keep beside the version.
 */
import { GraphValidationError } from '../../engine/errors';
import type { Graph } from '../../engine/graph/graph';
import { validateGraph, type GraphLimits } from '../../engine/graph/validate-graph';
import type { NodeRegistry } from '../../engine/registry/node-registry';
import type { PackVersion } from './workflow-version-records';

/** The pack versions `graph` uses, sorted by type and node version; GraphValidationError with every issue when it is invalid. */
export function checkForPublishing(graph: unknown, registry: NodeRegistry, limits: GraphLimits): PackVersion[] {
  const issues = validateGraph(graph, registry, limits);
  if (issues.length > 0) throw new GraphValidationError(issues);
  const packVersions = new Map(registry.loadedPacks().map((pack) => [pack.manifest.name, pack.manifest.version]));
  const used = new Map<string, PackVersion>();
  for (const node of (graph as Graph).nodes) {
    const found = registry.lookup(node.type, node.version);
    const pack = registry.packOf(node.type);
    // Validation found every node in this same synchronous pass (no pack can unload in between).
    if (!found.ok || pack === undefined) continue;
    const nodeVersion = found.definition.version;
    used.set(`${node.type}@${nodeVersion}`, { type: node.type, nodeVersion, pack, packVersion: packVersions.get(pack) ?? 'unknown' });
  }
  return [...used.values()].sort((a, b) => (a.type === b.type ? a.nodeVersion.localeCompare(b.nodeVersion) : a.type < b.type ? -1 : 1));
}
