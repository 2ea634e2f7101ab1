/**
 * A small pack of trivial nodes for testing and benchmarking the engine without real work:
 * numbers, sums, lists, a lazy `if`, Iterate/Collect, a node that fails, one that takes time and
 * one that names the model it is given (for routing).
 * Each call of `createTestPack` gives fresh definitions with their own invocation counters.
 */
import { CanceledError, NodeError } from '../../../engine/errors';
import type { PackManifest } from '../../../engine/registry/pack-manifest';
import { NodeRegistry, type PackNode } from '../../../engine/registry/node-registry';
import { defineNode } from '../define-node';
import { field, output } from '../fields';

const base = { category: 'test', description: 'A node for engine tests.', version: '1.0.0' } as const;

export function createTestPack() {
  const calls = new Map<string, number>();
  const count = (type: string) => calls.set(type, (calls.get(type) ?? 0) + 1);

  const nodes = {
    number: defineNode({
      ...base,
      type: 'test.number',
      title: 'Number',
      inputs: { value: field.float({ default: 0 }) },
      outputs: { value: output.float() },
      invoke: ({ value }) => (count('test.number'), { value }),
    }),
    add: defineNode({
      ...base,
      type: 'test.add',
      title: 'Add',
      inputs: { a: field.float({ default: 0 }), b: field.float({ default: 0 }) },
      outputs: { value: output.float() },
      invoke: ({ a, b }) => (count('test.add'), { value: a + b }),
    }),
    modelKey: defineNode({
      ...base,
      type: 'test.model_key',
      title: 'Model key',
      inputs: { model: field.model() },
      outputs: { key: output.string() },
      invoke: ({ model }) => (count('test.model_key'), { key: model.key }),
    }),
    text: defineNode({
      ...base,
      type: 'test.text',
      title: 'Text',
      inputs: { text: field.string({ default: '' }), suffix: field.string({ default: '' }) },
      outputs: { text: output.string() },
      invoke: ({ text, suffix }) => (count('test.text'), { text: text + suffix }),
    }),
    range: defineNode({
      ...base,
      type: 'test.range',
      title: 'Range',
      inputs: { count: field.integer({ minimum: 0, default: 3 }) },
      outputs: { values: output.list(output.integer()) },
      invoke: ({ count: n }) => (count('test.range'), { values: Array.from({ length: n }, (_, index) => index) }),
    }),
    sum: defineNode({
      ...base,
      type: 'test.sum',
      title: 'Sum',
      inputs: { values: field.list(field.float(), { acceptSingle: true }) },
      outputs: { value: output.float() },
      invoke: ({ values }) => (count('test.sum'), { value: values.reduce((total, value) => total + value, 0) }),
    }),
    iterate: defineNode({
      ...base,
      type: 'test.iterate',
      title: 'Iterate',
      role: 'iterate',
      inputs: { collection: field.list(field.any()) },
      outputs: { item: output.any(), index: output.integer(), total: output.integer() },
      invoke: () => {
        throw new NodeError('engine_only', 'Iterate runs inside the engine');
      },
    }),
    collect: defineNode({
      ...base,
      type: 'test.collect',
      title: 'Collect',
      role: 'collect',
      inputs: { item: field.any({ input: 'connection', multiple: true }) },
      outputs: { collection: output.list(output.any()) },
      invoke: () => {
        throw new NodeError('engine_only', 'Collect runs inside the engine');
      },
    }),
    if: defineNode({
      ...base,
      type: 'test.if',
      title: 'If',
      useCache: false,
      inputs: {
        condition: field.boolean({ default: false }),
        whenTrue: field.any({ lazy: true, optional: true }),
        whenFalse: field.any({ lazy: true, optional: true }),
      },
      outputs: { value: output.any() },
      selectLazyInputs: (eager) => (eager['condition'] ? ['whenTrue'] : ['whenFalse']),
      invoke: ({ condition, whenTrue, whenFalse }) => (count('test.if'), { value: condition ? whenTrue : whenFalse }),
    }),
    fail: defineNode({
      ...base,
      type: 'test.fail',
      title: 'Fail',
      inputs: { value: field.float({ default: 0 }) },
      outputs: { value: output.float() },
      invoke: () => {
        count('test.fail');
        throw new NodeError('test_failure', 'This node always fails', { field: 'value' });
      },
    }),
    slow: defineNode({
      ...base,
      type: 'test.slow',
      title: 'Slow',
      useCache: false,
      inputs: { value: field.float({ default: 0 }), steps: field.integer({ default: 3, minimum: 1 }), stepMs: field.integer({ default: 5 }) },
      outputs: { value: output.float() },
      invoke: async ({ value, steps, stepMs }, ctx) => {
        count('test.slow');
        for (let step = 1; step <= steps; step++) {
          if (ctx.signal.aborted) throw new CanceledError();
          await new Promise((resolve) => setTimeout(resolve, stepMs));
          ctx.progress({ step, total: steps, message: `step ${step}` });
        }
        return { value };
      },
    }),
  };
  return { nodes, calls };
}

export const TEST_PACK_MANIFEST: PackManifest = {
  name: '@pinksea/test-pack',
  version: '1.0.0',
  description: 'Trivial nodes for engine tests',
  apiVersion: 1,
  nodes: [],
  needs: { gpu: false, network: false },
};

/** A registry holding a fresh test pack. */
export function createTestRegistry() {
  const pack = createTestPack();
  const registry = new NodeRegistry();
  const nodes: PackNode[] = Object.entries(pack.nodes).map(([name, definition]) => ({ source: name, definition }));
  registry.loadPack(TEST_PACK_MANIFEST, nodes);
  return { registry, ...pack };
}
