/**
 * Events the queue and runner send to a user's socket room, one map from name to payload
 * (CONVENTIONS §15). Runners emit them through the broker; the gateway forwards each to the
 * room of its owner only.
 */
import type { EngineEventMap } from '../../engine/execution/engine-events';
import type { ErrorInfo } from '../../engine/errors';
import type { ItemStatus } from './queue-store';

interface ItemRef {
  readonly queueId: string;
  readonly itemId: string;
  readonly batchId: string;
}

export interface QueueEventMap {
  batch_enqueued: { readonly queueId: string; readonly batchId: string; readonly enqueued: number; readonly priority: number };
  queue_item_status_changed: ItemRef & { readonly status: ItemStatus; readonly error?: ErrorInfo | null };
  invocation_started: ItemRef & EngineEventMap['invocation_started'];
  invocation_progress: ItemRef & EngineEventMap['invocation_progress'];
  invocation_complete: ItemRef & EngineEventMap['invocation_complete'];
  invocation_cached: ItemRef & EngineEventMap['invocation_cached'];
  invocation_error: ItemRef & EngineEventMap['invocation_error'];
}

export type QueueEventName = keyof QueueEventMap;

/** Where queue events go; the broker-backed one broadcasts `session.event` to every gateway. */
export interface QueueEventSink {
  emit<K extends QueueEventName>(ownerId: string, name: K, payload: QueueEventMap[K]): void;
  /** Whether anyone wants this event of this owner (emitting one nobody wants does nothing); all, when not given. */
  wants?(ownerId: string, name: QueueEventName): boolean;
}

/**
 * The broker event that carries queue events between roles: a batch of them, in the order they
 * were emitted, so a graph of thousands of steps does not send thousands of broker packets.
 */
export const SESSION_EVENTS = 'session.events';

export interface SessionEventEnvelope {
  readonly ownerId: string;
  readonly name: QueueEventName;
  readonly payload: QueueEventMap[QueueEventName];
}

export interface SessionEventBatch {
  readonly events: readonly SessionEventEnvelope[];
}

/**
 * A batch of events without what the next ones make redundant, in order: a step's `started` when
 * its `complete`, `cached` or `error` travels in the same batch. A loop of thousands of cheap
 * steps then sends each step once, not twice. Progress is kept whole: one event per step of a
 * sampler, each with its preview.
 */
export function compactEvents(events: readonly SessionEventEnvelope[]): SessionEventEnvelope[] {
  const stepOf = (event: SessionEventEnvelope) => {
    const payload = event.payload as { itemId?: string; instanceId?: string };
    return payload.instanceId === undefined ? undefined : `${payload.itemId}/${payload.instanceId}`;
  };
  const ended = new Set<string>();
  const kept: SessionEventEnvelope[] = [];
  for (let index = events.length - 1; index >= 0; index--) {
    const event = events[index]!;
    const step = stepOf(event);
    if (step !== undefined && (event.name === 'invocation_complete' || event.name === 'invocation_cached' || event.name === 'invocation_error')) ended.add(step);
    else if (step !== undefined && event.name === 'invocation_started' && ended.has(step)) continue;
    kept.push(event);
  }
  return kept.reverse();
}
