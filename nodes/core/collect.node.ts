import { defineNode, field, NodeError, output } from '@pinksea/node-sdk';

export default defineNode({
  type: 'core.collect',
  title: 'Collect',
  description:
    'Gathers a value from every run of an Iterate into one list, in item order. Several connections to Item are gathered in connection order.',
  category: 'collections',
  tags: ['collect', 'gather', 'list', 'collection', 'loop', 'batch'],
  version: '1.0.0',
  role: 'collect',
  inputs: {
    item: field.any({ title: 'Item', input: 'connection', multiple: true }),
  },
  outputs: {
    collection: output.list(output.any(), { title: 'List' }),
  },
  // The engine gathers the item of every iteration itself (only it knows when the last one has
  // finished), so invoke never runs in a graph; a direct call gets a clear error instead.
  invoke: () => {
    throw new NodeError('engine_only', 'Collect runs inside the engine: connect it in a graph');
  },
});
