/**
 * `npm run bench:engine`: what the engine costs on top of the work its nodes do, measured against
 * calling the same node functions directly in a loop, in the same run.
 *   1. a 1,000-node chain of trivial nodes (core.add): overhead per node, in microseconds;
 *   2. a 10,000-item Iterate/Collect (range → iterate → add → collect): overhead per item;
 *   3. a 100-node chain of small sharp image operations: engine time / direct time;
 *   4. large graphs of 5,000 to 45,000 nodes (half a chain, half fanning into one Collect):
 *      validation and run time per node, which must stay roughly flat as the graph grows.
 * The line after (3)'s table carries the ratio of (3).
 */
import path from 'node:path';
import sharp from 'sharp';
import type { Graph, GraphNode } from '../../engine/graph/graph';
import { fanOutGraph, link, medians } from '../bench-kit';
import type { AnyNodeDefinition } from '../../engine/node-definition';
import type { NodeContext } from '../../engine/node-context';
import { LruInvocationCache } from '../../engine/execution/invocation-cache';
import { runGraph } from '../../engine/execution/run-graph';
import { prepareGraph } from '../../engine/graph/validate-graph';
import { NodeRegistry } from '../../engine/registry/node-registry';
import { MemoryContextHost } from '../../nodes/sdk/testing';
import { loadPackFromFolder } from '../../services/plugins/pack-loader';

const ROOT = path.resolve(__dirname, '../..');
const REPEATS = Number(process.argv[2] ?? 9);

async function main(): Promise<void> {
  const registry = new NodeRegistry();
  for (const pack of ['core', 'image']) await loadPackFromFolder(path.join(ROOT, 'nodes', pack), registry);
  const definition = (type: string): AnyNodeDefinition => {
    const found = registry.lookup(type);
    if (!found.ok) throw new Error(found.message);
    return found.definition;
  };
  const host = new MemoryContextHost();
  const ctx = host.createContext(
    { sessionId: 'bench', nodeId: 'n', instanceId: 'n', type: 'bench', version: '1.0.0' },
    { signal: new AbortController().signal, progress: () => undefined },
  );
  /** One engine run per call; a cache, when asked for, starts empty each run as a new session's would. */
  const engine = (graph: Graph, options: { cached?: boolean } = {}) => async () => {
    const cache = options.cached ? new LruInvocationCache(10_000) : undefined;
    const result = await runGraph(graph, { registry, host, ...(cache ? { cache } : {}) });
    if (result.status !== 'completed') throw new Error(`bench graph ${result.status}: ${result.error?.message}`);
  };

  // 1. trivial chain
  const add = definition('core.add');
  const chainNodes = 1000;
  const chain = chainGraph(chainNodes, (index) => ({ id: `n${index}`, type: 'core.add', inputs: { b: 1 } }), 'value', 'a');
  const chainDirect = async () => {
    let value = 0;
    for (let index = 0; index < chainNodes; index++) value = ((await add.invoke({ a: value, b: 1 }, ctx)) as { value: number }).value;
  };
  const [chainEngine, chainCached, chainBase] = await medians([engine(chain), engine(chain, { cached: true }), chainDirect], REPEATS, 2);

  // 2. 10,000-item iterate/collect
  const items = 10_000;
  const fan = fanOutGraph(items);
  const range = definition('core.range');
  const fanDirect = async () => {
    const { collection } = (await range.invoke({ start: 0, stop: items, step: 1 }, ctx)) as { collection: number[] };
    const gathered: number[] = [];
    for (const item of collection) gathered.push(((await add.invoke({ a: item, b: 1 }, ctx)) as { value: number }).value);
  };
  const [fanEngine, fanBase] = await medians([engine(fan), fanDirect], REPEATS, 2);

  // 3. 100-node chain of small sharp operations
  const seed = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 80, b: 40 } } }).png().toBuffer();
  const start = await host.images.save({ data: seed, format: 'png', width: 64, height: 64 });
  const steps: [string, Record<string, unknown>][] = [
    ['image.resize', { width: 72, height: 72 }],
    ['image.blur', { radius: 0.6 }],
    ['image.rotate', { angle: 90 }],
    ['image.adjust_color', { brightness: 1.05 }],
    ['image.resize', { width: 64, height: 64 }],
  ];
  const imageNodes = 100;
  const imageChain = chainGraph(
    imageNodes,
    (index) => (index === 0 ? { id: 'n0', type: 'image.load', inputs: { image: start } } : { id: `n${index}`, type: steps[(index - 1) % steps.length]![0], inputs: steps[(index - 1) % steps.length]![1] }),
    'image',
    'image',
  );
  const load = definition('image.load');
  const imageDirect = async () => {
    let image = ((await load.invoke({ image: start }, ctx)) as { image: unknown }).image;
    for (let index = 1; index < imageNodes; index++) {
      const [type, inputs] = steps[(index - 1) % steps.length]!;
      const node = definition(type);
      image = ((await node.invoke({ ...defaults(node), ...inputs, image }, ctx as NodeContext)) as { image: unknown }).image;
    }
  };
  const [imageEngine, imageBase] = await medians([engine(imageChain, { cached: true }), imageDirect], REPEATS, 2);

  const perNode = (engineMs: number, baseMs: number, count: number) => (((engineMs - baseMs) * 1000) / count).toFixed(2);
  const ratio = imageEngine / imageBase;
  console.log(`engine bench (median of ${REPEATS}, ${process.version})`);
  console.table([
    { case: '1,000-node chain of core.add', 'engine ms': fixed(chainEngine), 'direct ms': fixed(chainBase), 'overhead µs/node': perNode(chainEngine, chainBase, chainNodes) },
    { case: '  same, with invocation cache', 'engine ms': fixed(chainCached), 'direct ms': fixed(chainBase), 'overhead µs/node': perNode(chainCached, chainBase, chainNodes) },
    { case: '10,000-item iterate → add → collect', 'engine ms': fixed(fanEngine), 'direct ms': fixed(fanBase), 'overhead µs/node': perNode(fanEngine, fanBase, items) },
    { case: '100-node chain of sharp operations', 'engine ms': fixed(imageEngine), 'direct ms': fixed(imageBase), 'overhead µs/node': perNode(imageEngine, imageBase, imageNodes) },
  ]);
  console.log(`sharp chain: engine / direct = ${ratio.toFixed(3)} (aim ≤ 1.10)`);

  // 4. large graphs: time per node must stay flat (linear work); quadratic work would grow with n.
  const sizes = [5_000, 10_000, 20_000, 45_000];
  const rows: { nodes: number; validateMs: number; runMs: number }[] = [];
  for (const size of sizes) {
    const big = largeGraph(size);
    const [validateMs, runMs] = await medians([async () => void prepareGraph(big, registry), engine(big)], 3, 1);
    rows.push({ nodes: size, validateMs: validateMs!, runMs: runMs! });
  }
  console.table(
    rows.map((row) => ({
      nodes: row.nodes,
      'validate ms': fixed(row.validateMs),
      'run ms (validate + run)': fixed(row.runMs),
      'validate µs/node': ((row.validateMs * 1000) / row.nodes).toFixed(1),
      'run µs/node': ((row.runMs * 1000) / row.nodes).toFixed(1),
    })),
  );
  const perNodeRun = (row: (typeof rows)[number]) => row.runMs / row.nodes;
  console.log(`large graphs: run time per node at 45,000 / at 5,000 nodes = ${(perNodeRun(rows[rows.length - 1]!) / perNodeRun(rows[0]!)).toFixed(2)} (flat ≈ 1; quadratic work ≈ 9)`);
}

/** `count` nodes: a chain of core.add over half of them, the other half feeding one core.collect. */
function largeGraph(count: number): Graph {
  const half = Math.floor(count / 2);
  const chain = chainGraph(half, (index) => ({ id: `c${index}`, type: 'core.add', inputs: { b: 1 } }), 'value', 'a');
  const fan: GraphNode[] = Array.from({ length: count - half - 1 }, (_, index) => ({ id: `f${index}`, type: 'core.add', inputs: { a: index, b: 1 } }));
  return {
    nodes: [...chain.nodes, ...fan, { id: 'all', type: 'core.collect' }],
    edges: [...chain.edges, ...fan.map((node) => link(node.id, 'value', 'all', 'item'))],
  };
}

function chainGraph(count: number, make: (index: number) => GraphNode, from: string, to: string): Graph {
  const nodes = Array.from({ length: count }, (_, index) => make(index));
  const edges = nodes.slice(1).map((node, index) => link(nodes[index]!.id, from, node.id, to));
  return { nodes, edges };
}

function defaults(definition: AnyNodeDefinition): Record<string, unknown> {
  return Object.fromEntries(Object.entries(definition.inputs).flatMap(([name, spec]) => (spec.default === undefined ? [] : [[name, spec.default]])));
}

const fixed = (ms: number) => ms.toFixed(2);

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
