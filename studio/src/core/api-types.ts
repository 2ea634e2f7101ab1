/**
 * The shapes the studio reads from /api/v1 and its socket, as the gateway sends them (see
 * services/queue/queue-events.ts and the records under services/). Only the fields the studio uses.
 */
export const API_BASE = '/api/v1';
export const QUEUE_ID = 'default';

export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

export interface PublicUser {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly role: string;
  readonly plan: string;
  readonly createdAt: string;
}

export interface Session {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresIn: number;
  readonly user: PublicUser;
}

export interface ModelRecord {
  readonly key: string;
  readonly name: string;
  readonly base: string;
  readonly type: string;
  readonly format: string;
  readonly sizeBytes: number;
  readonly description: string;
  /** The owner, or null for a model every user sees. */
  readonly ownerId?: string | null;
  readonly source?: string;
}

export const INSTALL_STATUSES = ['queued', 'downloading', 'probing', 'completed', 'failed', 'canceled'] as const;
export type InstallStatus = (typeof INSTALL_STATUSES)[number];

/** A model install (services/models/model-manager.ts): polled at /models/jobs/:id and pushed as events. */
export interface InstallJob {
  readonly id: string;
  readonly source: string;
  readonly status: InstallStatus;
  readonly bytes: number;
  readonly totalBytes: number | null;
  readonly error: ErrorInfo | null;
  readonly modelKey: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface BoardRecord {
  readonly id: string;
  readonly name: string;
  readonly imageCount: number;
  readonly coverImageName: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ImageRecord {
  readonly name: string;
  readonly starred: boolean;
  readonly boardId?: string | null;
  readonly width: number;
  readonly height: number;
  readonly byteSize: number;
  readonly createdAt: string;
}

export const ITEM_STATUSES = ['pending', 'in_progress', 'completed', 'failed', 'canceled'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export interface ErrorInfo {
  readonly code: string;
  readonly message: string;
  readonly nodeId?: string;
}

export interface QueueItem {
  readonly id: string;
  readonly batchId: string;
  readonly status: ItemStatus;
  readonly results: unknown;
  readonly error: ErrorInfo | null;
  readonly attempts: number;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  readonly waitingReason?: string;
}

export const SCHEDULERS = ['ddim', 'euler', 'euler_a', 'dpmpp_2m', 'dpmpp_2m_karras'] as const;
export type Scheduler = (typeof SCHEDULERS)[number];

export interface GenerateRequest {
  readonly model: string;
  readonly prompt: string;
  readonly negativePrompt: string;
  /** Left out with an init image: the server takes its size. */
  readonly width?: number;
  readonly height?: number;
  readonly steps: number;
  readonly cfgScale: number;
  readonly scheduler: Scheduler;
  readonly seed?: number;
  readonly batchCount: number;
  readonly strength?: number;
  readonly initImage?: string;
  readonly mask?: string;
  readonly hiresScale?: number;
  readonly hiresStrength?: number;
}

export interface GenerateResult {
  readonly queueId: string;
  readonly batchId: string;
  readonly enqueued: number;
  readonly seeds: readonly number[];
}

interface ItemRef {
  readonly queueId: string;
  readonly itemId: string;
  readonly batchId: string;
}

/** The socket's events, one map from name to payload (CONVENTIONS §15). */
export interface StudioEventMap {
  batch_enqueued: { readonly queueId: string; readonly batchId: string; readonly enqueued: number };
  queue_item_status_changed: ItemRef & { readonly status: ItemStatus; readonly error?: ErrorInfo | null };
  invocation_started: ItemRef & { readonly nodeId: string };
  invocation_progress: ItemRef & {
    readonly nodeId: string;
    readonly step?: number;
    readonly total?: number;
    readonly percentage?: number;
    readonly preview?: { readonly width: number; readonly height: number; readonly dataUrl: string };
  };
  invocation_complete: ItemRef & { readonly nodeId: string; readonly outputs?: Readonly<Record<string, unknown>> };
  invocation_cached: ItemRef & { readonly nodeId: string; readonly outputs?: Readonly<Record<string, unknown>> };
  invocation_error: ItemRef & { readonly nodeId: string; readonly error?: ErrorInfo };
  model_install_status_changed: InstallJob;
  model_install_progress: InstallJob;
}
export type StudioEventName = keyof StudioEventMap;
