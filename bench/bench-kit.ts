/** What the benchmarks share: graph literals and medians of alternating rounds. */
import type { Graph, GraphEdge } from '../engine/graph/graph';

export function link(source: string, sourceField: string, target: string, targetField: string): GraphEdge {
  return { source: { nodeId: source, field: sourceField }, destination: { nodeId: target, field: targetField } };
}

/** core.range(count) → iterate → add 1 → collect: `count` runs of one node inside an iteration. */
export function fanOutGraph(count: number): Graph {
  return {
    nodes: [
      { id: 'range', type: 'core.range', inputs: { start: 0, stop: count, step: 1 } },
      { id: 'each', type: 'core.iterate' },
      { id: 'add', type: 'core.add', inputs: { b: 1 } },
      { id: 'all', type: 'core.collect' },
    ],
    edges: [link('range', 'collection', 'each', 'collection'), link('each', 'item', 'add', 'a'), link('add', 'value', 'all', 'item')],
  };
}

/**
 * Median time of each task over `rounds`, in milliseconds, after `warmups` rounds. A task that
 * returns a number measured itself; otherwise its wall time counts. The tasks take turns within
 * a round, so drift in the machine's load hits them alike.
 */
export async function medians(tasks: readonly (() => Promise<number | void>)[], rounds: number, warmups: number): Promise<number[]> {
  const times = tasks.map((): number[] => []);
  for (let round = -warmups; round < rounds; round++) {
    for (const [index, task] of tasks.entries()) {
      const started = performance.now();
      const measured = await task();
      if (round >= 0) times[index]!.push(typeof measured === 'number' ? measured : performance.now() - started);
    }
  }
  return times.map((list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]!);
}
