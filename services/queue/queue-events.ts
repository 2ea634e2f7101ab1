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
