/**
 * The `batch` parameter as enqueue_batch takes it (graph, data, runs), shared with the validate
 * route so a sweep is checked in the same shape it is queued in.
 */
import type { Batch } from '../../engine/batch/expand-batch';
import { typedRule } from '../kernel/action-params';

/**
 * The validator checks only the outline; the engine's validateBatch checks the graph and the data
 * in full before anything reads them (every issue naming its field, which fastest-validator's
 * messages would not), and reads a null `data` or `runs` as not given. So the handler is given the
 * batch as the engine takes it, declared here once.
 */
export const BATCH_PARAM = typedRule<Batch>()({
  type: 'object',
  props: {
    graph: { type: 'object' },
    data: { type: 'array', optional: true, items: { type: 'array', items: { type: 'object', props: { nodeId: 'string', field: 'string', items: 'array' } } } },
    runs: { type: 'number', integer: true, min: 1, max: 10_000, optional: true },
  },
});
