/**
 * Everything checked before a batch is enqueued, in one function that enqueue and the validate
 * route both call: the graph (within the platform's limits), the batch data against it, and the
 * graph as the first session's field values make it. A sweep is checked before it runs exactly
 * as it will be when it is queued.
 */
import type { GraphLimits } from '../graph/graph-shape';
import type { PreparedGraph } from '../graph/prepared-graph';
import { prepareGraph } from '../graph/validate-graph';
import type { NodeRegistry } from '../registry/node-registry';
import { applyFieldValues, checkBatch, DEFAULT_MAX_BATCH_ITEMS, expandBatch, type Batch } from './expand-batch';

export interface BatchLimits extends GraphLimits {
  /** Most sessions the batch may expand to. */
  readonly maxItems?: number;
}

export interface ValidBatch {
  readonly prepared: PreparedGraph;
  /** How many sessions (queue items) the batch expands to. */
  readonly items: number;
}

/** Throws GraphValidationError or BatchValidationError with every issue found; returns the item count. */
export function validateBatch(batch: Batch, registry: NodeRegistry, limits: BatchLimits = {}): ValidBatch {
  const { maxItems = DEFAULT_MAX_BATCH_ITEMS, ...graphLimits } = limits;
  const prepared = prepareGraph(batch.graph, registry, graphLimits);
  const items = checkBatch(batch, prepared, maxItems);
  // Field values must still make a valid graph (e.g. values within each input's bounds).
  const first = expandBatch(batch).next();
  if (!first.done) prepareGraph(applyFieldValues(batch.graph, first.value), registry, graphLimits);
  return { prepared, items };
}
