import { defineNode, field, NodeError, output } from '@pinksea/node-sdk';

export default defineNode({
  type: 'core.iterate',
  title: 'Iterate',
  description:
    'Runs the nodes after it once for every item of a list, giving each run the item, its position (from 0) and the list length. Gather the results with Collect.',
  category: 'collections',
  tags: ['iterate', 'loop', 'for each', 'each', 'list', 'collection', 'batch'],
  version: '1.0.0',
  role: 'iterate',
  inputs: {
    collection: field.list(field.any(), { title: 'List', input: 'connection' }),
  },
  outputs: {
    item: output.any({ title: 'Item' }),
    index: output.integer({ title: 'Index' }),
    total: output.integer({ title: 'Total' }),
  },
  // The engine expands an Iterate into one branch of the graph per item (its execution state
  // owns the fan-out), so there is nothing for invoke to do; being called means the node was
  // run outside a graph, which is a mistake worth a clear message rather than a silent result.
  invoke: () => {
    throw new NodeError('engine_only', 'Iterate runs inside the engine: connect it in a graph');
  },
});
