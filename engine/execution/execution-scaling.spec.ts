/**
 * How validation and execution scale, checked without a clock: the work is counted as property
 * reads on the graph the user sent and on the prepared edges the execution state walks. Linear
 * work grows 4× when the graph does; quadratic work would grow 16×. Also: graphs far larger than
 * any call stack run without recursion overflowing it.
 */
import type { Graph, GraphEdge, GraphNode } from '../graph/graph';
import type { PreparedEdge, PreparedGraph, PreparedNode } from '../graph/prepared-graph';
import { prepareGraph } from '../graph/validate-graph';
import { createTestRegistry, edge, MemoryContextHost, node } from '../../nodes/sdk/testing';
import { ExecutionState } from './execution-state';
import { runGraph } from './run-graph';

describe('engine scaling', () => {
  const { registry } = createTestRegistry();

  const shapes: Record<string, (count: number) => Graph> = {
    chain: (count) => {
      const nodes = Array.from({ length: count }, (_, index) => node(`n${index}`, 'test.add', { b: 1 }));
      return { nodes, edges: nodes.slice(1).map((to, index) => edge(`n${index}.value`, `${to.id}.a`)) };
    },
    'fan-in to one Collect': (count) => {
      const nodes: GraphNode[] = Array.from({ length: count }, (_, index) => node(`n${index}`, 'test.number', { value: index }));
      const edges: GraphEdge[] = nodes.map((from) => edge(`${from.id}.value`, 'all.item'));
      return { nodes: [...nodes, node('all', 'test.collect')], edges };
    },
    'gated chain behind a lazy input': (count) => {
      const nodes = Array.from({ length: count }, (_, index) => node(`n${index}`, 'test.text', { suffix: 'x' }));
      const edges = nodes.slice(1).map((to, index) => edge(`n${index}.text`, `${to.id}.text`));
      return { nodes: [...nodes, node('if', 'test.if', { condition: true })], edges: [...edges, edge(`n${count - 1}.text`, 'if.whenTrue')] };
    },
    'wide, unconnected': (count) => ({ nodes: Array.from({ length: count }, (_, index) => node(`n${index}`, 'test.number')), edges: [] }),
  };

  /** A deep proxy of a JSON graph that counts every property read. */
  function counted<T>(value: T, reads: { count: number }): T {
    if (typeof value !== 'object' || value === null) return value;
    const wrapped = new Map<PropertyKey, unknown>();
    return new Proxy(value as object, {
      get(target, key, receiver) {
        reads.count++;
        const found = Reflect.get(target, key, receiver);
        if (typeof found !== 'object' || found === null) return found;
        if (!wrapped.has(key)) wrapped.set(key, counted(found, reads));
        return wrapped.get(key);
      },
    }) as T;
  }

  /** The prepared graph with every edge counting the reads of its properties. */
  function withCountingEdges(prepared: PreparedGraph, reads: { count: number }): PreparedGraph {
    const proxies = new Map<PreparedEdge, PreparedEdge>();
    const wrap = (found: PreparedEdge): PreparedEdge => {
      let proxy = proxies.get(found);
      if (!proxy) {
        proxy = new Proxy(found, { get: (target, key) => (reads.count++, Reflect.get(target, key)) });
        proxies.set(found, proxy);
      }
      return proxy;
    };
    const nodes: PreparedNode[] = prepared.nodes.map((prepared) => ({ ...prepared, inEdges: prepared.inEdges.map(wrap), outEdges: prepared.outEdges.map(wrap) }));
    return { nodes, byId: new Map(nodes.map((prepared) => [prepared.id, prepared])), order: prepared.order };
  }

  /** Runs the state to the end as a driver would, every node answering at once. */
  function drive(state: ExecutionState): number {
    let runs = 0;
    for (let run = state.next(); run; run = state.next(), runs++) {
      if (run.node.role === 'collect') state.complete(run, { collection: state.gather(run) }, 0, false);
      else state.complete(run, { value: 1, text: 'x' }, 0, false);
    }
    return runs;
  }

  function work(shape: (count: number) => Graph, count: number): { validation: number; execution: number } {
    const validationReads = { count: 0 };
    const prepared = prepareGraph(counted(shape(count), validationReads), registry);
    const executionReads = { count: 0 };
    const state = new ExecutionState(withCountingEdges(prepared, executionReads));
    expect(drive(state)).toBe(prepared.nodes.length);
    expect(state.failed).toBeUndefined();
    return { validation: validationReads.count, execution: executionReads.count };
  }

  for (const [name, shape] of Object.entries(shapes)) {
    it(`validates and runs a ${name} with work linear in its size`, () => {
      const small = work(shape, 2_000);
      const large = work(shape, 8_000);
      // 4× the nodes: linear work grows about 4×, quadratic 16×.
      expect(large.validation / small.validation).toBeLessThan(5);
      expect(large.execution / Math.max(1, small.execution)).toBeLessThan(5);
    });
  }

  it('runs a 50,000-node chain to the end', async () => {
    const result = await runGraph(shapes['chain']!(50_000), { registry, host: new MemoryContextHost() });
    expect(result.status).toBe('completed');
    expect(result.outputsOf('n49999')).toEqual([{ value: 50_000 }]);
  }, 60_000);

  it('runs a 50,000-node branch behind a lazy input when it is chosen', async () => {
    const result = await runGraph(shapes['gated chain behind a lazy input']!(50_000), { registry, host: new MemoryContextHost() });
    expect(result.status).toBe('completed');
    expect((result.outputsOf('if')[0]!['value'] as string).length).toBe(50_000);
  }, 60_000);
});
