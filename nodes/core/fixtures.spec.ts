import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MemoryContextHost } from '@pinksea/node-sdk/testing';
import { runGraph, type RunResult } from '../../engine/execution/run-graph';
import type { Graph } from '../../engine/graph/graph';
import { NodeRegistry } from '../../engine/registry/node-registry';
import { loadPackFromFolder } from '../../services/plugins/pack-loader';

function fixture(name: string): Graph {
  return JSON.parse(readFileSync(path.join(__dirname, 'fixtures', `${name}.graph.json`), 'utf8')) as Graph;
}

/** The graph with one node's typed inputs changed, to run a fixture another way. */
function withInputs(graph: Graph, nodeId: string, inputs: Record<string, unknown>): Graph {
  return { ...graph, nodes: graph.nodes.map((node) => (node.id === nodeId ? { ...node, inputs: { ...node.inputs, ...inputs } } : node)) };
}

describe('core pack graph fixtures', () => {
  let registry: NodeRegistry;

  beforeAll(async () => {
    registry = new NodeRegistry();
    await loadPackFromFolder(__dirname, registry);
  });

  async function run(graph: Graph): Promise<RunResult> {
    const result = await runGraph(graph, { registry, host: new MemoryContextHost() });
    expect(result.error).withContext('run error').toBeUndefined();
    expect(result.status).toBe('completed');
    return result;
  }

  it('math: integers → add → multiply → round', async () => {
    const result = await run(fixture('math'));
    expect(result.outputsOf('sum')).toEqual([{ value: 12 }]);
    expect(result.outputsOf('scaled')).toEqual([{ value: 7.5 }]);
    expect(result.outputsOf('rounded')).toEqual([{ value: 8 }]);
    expect(result.outputsOf('floored')).toEqual([{ value: 7 }]);
  });

  it('strings: split → iterate → template → collect → join', async () => {
    const result = await run(fixture('strings'));
    expect(result.outputsOf('split')).toEqual([{ value: ['cat', 'dog', 'fox'] }]);
    expect(result.outputsOf('caption')).toEqual([{ value: '0/3: a cat' }, { value: '1/3: a dog' }, { value: '2/3: a fox' }]);
    expect(result.outputsOf('gather')).toEqual([{ collection: ['0/3: a cat', '1/3: a dog', '2/3: a fox'] }]);
    expect(result.outputsOf('joined')).toEqual([{ value: '0/3: a cat | 1/3: a dog | 2/3: a fox' }]);
  });

  it('branch: a true comparison runs only the true branch', async () => {
    const result = await run(fixture('branch'));
    expect(result.outputsOf('is_high')).toEqual([{ value: true }]);
    expect(result.outputsOf('choose')).toEqual([{ value: 'a sunlit beach' }]);
    expect(result.outputsOf('prompt')).toEqual([{ value: 'a sunlit beach, golden hour' }]);
    expect(result.nodeStatus('sunny')).toBe('completed');
    expect(result.nodeStatus('stormy')).toBe('skipped');
    expect(result.nodeStatus('stormy_word')).toBe('skipped');
    expect(result.outputsOf('stormy')).toEqual([]);
  });

  it('branch: a false comparison runs only the false branch', async () => {
    const result = await run(withInputs(fixture('branch'), 'score', { value: 0.2 }));
    expect(result.outputsOf('is_high')).toEqual([{ value: false }]);
    expect(result.outputsOf('prompt')).toEqual([{ value: 'a stormy beach, golden hour' }]);
    expect(result.nodeStatus('stormy')).toBe('completed');
    expect(result.nodeStatus('sunny')).toBe('skipped');
    expect(result.nodeStatus('sunny_word')).toBe('skipped');
    expect(result.outputsOf('sunny')).toEqual([]);
  });
});
