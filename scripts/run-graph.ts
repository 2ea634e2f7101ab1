/**
 * `npm run graph`: runs a graph file on this machine without the platform: loads the first-party
 * node packs, validates and runs the graph, prints progress and outputs, and writes the images its
 * last nodes produced. Without a file it lists the node catalogue.
 *
 *   npm run graph -- nodes/core/fixtures/math.graph.json [--out .data/outputs]
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildCatalogue } from '../engine/catalogue';
import { PinkseaError } from '../engine/errors';
import type { Graph } from '../engine/graph/graph';
import { runGraph } from '../engine/execution/run-graph';
import { NodeRegistry } from '../engine/registry/node-registry';
import { MemoryContextHost } from '../nodes/sdk/testing';
import { FIRST_PARTY_PACKS } from '../services/plugins/first-party-packs';
import { loadPackFromFolder } from '../services/plugins/pack-loader';


async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const outDir = path.resolve(outIndex >= 0 ? args[outIndex + 1] ?? '.data/outputs' : '.data/outputs');
  const file = args.find((arg, index) => !arg.startsWith('--') && (outIndex < 0 || index !== outIndex + 1));

  const registry = new NodeRegistry();
  for (const folder of FIRST_PARTY_PACKS) await loadPackFromFolder(folder, registry);
  const catalogue = buildCatalogue(registry);
  console.log(`Pinksea engine: ${catalogue.length} node types from ${FIRST_PARTY_PACKS.length} packs`);

  if (!file) {
    for (const entry of catalogue) console.log(`  ${entry.type.padEnd(24)} ${entry.title} — ${entry.category}`);
    console.log('\nRun a graph: npm run graph -- path/to/graph.json [--out folder]');
    return;
  }

  const graph = JSON.parse(await readFile(path.resolve(file), 'utf8')) as Graph;
  const host = new MemoryContextHost();
  const result = await runGraph(graph, {
    registry,
    host,
    onEvent: (event) => {
      if (event.name === 'invocation_complete') console.log(`  ✓ ${event.payload.instanceId} (${event.payload.durationMs.toFixed(1)} ms)`);
      if (event.name === 'invocation_progress' && event.payload.percentage !== undefined) {
        console.log(`  … ${event.payload.instanceId} ${(event.payload.percentage * 100).toFixed(0)}%`);
      }
    },
  });
  console.log(`Run ${result.status}${result.error ? `: ${result.error.message}` : ''}`);

  const leaves = graph.nodes.filter((node) => !graph.edges.some((edge) => edge.source.nodeId === node.id));
  for (const leaf of leaves) {
    for (const [index, outputs] of result.outputsOf(leaf.id).entries()) {
      for (const [name, value] of Object.entries(outputs)) {
        const imageName = (value as { imageName?: unknown } | null)?.imageName;
        if (typeof imageName === 'string') {
          const image = await host.images.get({ imageName });
          await mkdir(outDir, { recursive: true });
          const target = path.join(outDir, `${leaf.id}-${index}-${name}.${image.format}`);
          await writeFile(target, image.data);
          console.log(`  ${leaf.id}.${name} → ${target} (${image.width}×${image.height})`);
        } else {
          console.log(`  ${leaf.id}.${name} = ${JSON.stringify(value)}`);
        }
      }
    }
  }
  if (result.status !== 'completed') process.exitCode = 1;
}

main().catch((error: unknown) => {
  if (error instanceof PinkseaError) {
    console.error(`${error.message}`);
    for (const issue of error.issues) console.error(`  - ${[issue.nodeId, issue.field].filter(Boolean).join('.')}: ${issue.message}`);
  } else {
    console.error(error);
  }
  process.exitCode = 1;
});
