/**
 * Model installs as their owner sees them, polled at /models/jobs/:id and pushed as events: one
 * map from event name to payload (CONVENTIONS §15). Types and constants only, so the studio
 * imports them as they are (CONVENTIONS §17) without pulling in the manager.
 */
import type { ErrorInfo } from '../../engine/errors';

export const INSTALL_STATUSES = ['queued', 'downloading', 'probing', 'completed', 'failed', 'canceled'] as const;
export type InstallStatus = (typeof INSTALL_STATUSES)[number];

export interface InstallJob {
  readonly id: string;
  readonly source: string;
  readonly status: InstallStatus;
  readonly bytes: number;
  readonly totalBytes: number | null;
  readonly error: ErrorInfo | null;
  /** The installed model's key, once completed. */
  readonly modelKey: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Model manager events, one map from name to payload (CONVENTIONS §15). */
export interface ModelEventMap {
  model_install_status_changed: InstallJob;
  model_install_progress: InstallJob;
}

export interface ModelEventSink {
  emit<K extends keyof ModelEventMap>(ownerId: string, name: K, payload: ModelEventMap[K]): void;
}
