/**
 * Runs the pack's fixture graph through the engine, loaded the way the platform loads a pack, so
 * the manifest, the node files and the wiring between prompt nodes are checked together.
 */
import { MemoryContextHost } from '@pinksea/node-sdk/testing';
import { runGraph, type RunResult } from '../../engine/execution/run-graph';
import type { Graph } from '../../engine/graph/graph';
import { NodeRegistry } from '../../engine/registry/node-registry';
import { loadPackFromFolder } from '../../services/plugins/pack-loader';
import fixture from './fixtures/prompts.graph.json';

describe('prompt pack fixture graph', () => {
  let result: RunResult;

  beforeAll(async () => {
    const registry = new NodeRegistry();
    const pack = await loadPackFromFolder(__dirname, registry);
    expect([...pack.types].sort()).toEqual(['prompt.dynamic', 'prompt.random_choice']);
    result = await runGraph(fixture as Graph, { registry, host: new MemoryContextHost() });
  });

  it('completes', () => {
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('completed');
  });

  it('lists the first combinations in order, stopped at maxPrompts', () => {
    expect(result.outputsOf('expand')[0]).toEqual({
      prompts: [
        'a red cat in rain, snow',
        'a red cat in rain, fog',
        'a red cat in snow, fog',
        'a red dog in rain, snow',
        'a red dog in rain, fog',
      ],
      count: 5,
    });
  });

  it('draws the same random prompts for seed 7 on every run', () => {
    expect(result.outputsOf('draw')[0]).toEqual({
      prompts: ['a red cat in rain, fog', 'a blue dog in rain, snow', 'a blue cat in snow, fog'],
      count: 3,
    });
  });

  it('passes a picked prompt with escaped braces on as a new template', () => {
    expect(result.outputsOf('choose')[0]).toEqual({ prompt: '{red|blue} dog' });
    expect(result.outputsOf('expandChosen')[0]).toEqual({ prompts: ['red dog', 'blue dog'], count: 2 });
  });
});
