/**
 * Every event a user's socket receives (events.service.ts forwards them to the owner's room), one
 * map from name to payload (CONVENTIONS §15). Types only: the studio listens with this map.
 */
import type { ModelEventMap } from '../models/model-events';
import type { QueueEventMap } from '../queue/queue-events';

export type SocketEventMap = QueueEventMap & ModelEventMap;
export type SocketEventName = keyof SocketEventMap;
