/**
 * The engine's events: one map from event name to payload (CONVENTIONS §15), shared by the emitter
 * and every listener. Names match the socket events the platform forwards to the studio.
 */
import type { ErrorInfo } from '../errors';
import type { ProgressUpdate } from '../node-context';

export interface InvocationRef {
  readonly sessionId: string;
  readonly nodeId: string;
  readonly instanceId: string;
  readonly type: string;
  readonly version: string;
  /** Index of this run within each enclosing Iterate node, by that node's id. */
  readonly iteration: Readonly<Record<string, number>>;
}

export interface EngineEventMap {
  invocation_started: InvocationRef;
  invocation_progress: InvocationRef & ProgressUpdate;
  invocation_complete: InvocationRef & { readonly outputs: Readonly<Record<string, unknown>>; readonly durationMs: number };
  invocation_cached: InvocationRef & { readonly outputs: Readonly<Record<string, unknown>> };
  invocation_error: InvocationRef & { readonly error: ErrorInfo };
}

export type EngineEventName = keyof EngineEventMap;

export type EngineEvent = {
  [K in EngineEventName]: { readonly name: K; readonly payload: EngineEventMap[K] };
}[EngineEventName];
