/**
 * The `batch` parameter as enqueue_batch takes it (graph, data, runs), shared with the validate
 * route so a sweep is checked in the same shape it is queued in.
 */
export const BATCH_PARAM = {
  type: 'object',
  props: {
    graph: { type: 'object' },
    data: { type: 'array', optional: true, items: { type: 'array', items: { type: 'object', props: { nodeId: 'string', field: 'string', items: 'array' } } } },
    runs: { type: 'number', integer: true, min: 1, max: 10_000, optional: true },
  },
} as const;
