import { defineNode, field, NodeError, output } from '@pinksea/node-sdk';

/** Longest list Range makes: longer ones are almost always a typo, and would swamp an Iterate. */
export const MAX_RANGE_LENGTH = 100_000;

export default defineNode({
  type: 'core.range',
  title: 'Range',
  description:
    'Makes a list of whole numbers from Start up to, but not including, Stop, counting by Step. A negative step counts down.',
  category: 'collections',
  tags: ['range', 'sequence', 'count', 'list', 'numbers', 'collection', 'loop'],
  version: '1.0.0',
  inputs: {
    start: field.integer({ title: 'Start', default: 0, ui: { order: 0 } }),
    stop: field.integer({ title: 'Stop', description: 'Not included in the list.', default: 10, ui: { order: 1 } }),
    step: field.integer({ title: 'Step', description: 'Any whole number but 0.', default: 1, ui: { order: 2 } }),
  },
  outputs: {
    collection: output.list(output.integer(), { title: 'Numbers' }),
  },
  invoke: ({ start, stop, step }) => {
    if (step === 0) throw new NodeError('zero_step', 'Step cannot be 0: use 1 to count up or −1 to count down', { field: 'step' });
    const length = Math.max(0, Math.ceil((stop - start) / step));
    if (length > MAX_RANGE_LENGTH) {
      throw new NodeError(
        'range_too_long',
        `This range has ${length} numbers; at most ${MAX_RANGE_LENGTH} are allowed: bring Stop closer to Start or use a larger Step`,
        { field: 'stop' },
      );
    }
    return { collection: Array.from({ length }, (_, index) => start + index * step) };
  },
});
