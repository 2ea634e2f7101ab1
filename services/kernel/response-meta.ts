/**
 * What an action may tell moleculer-web about its HTTP response through `ctx.meta`: a status
 * (201 with a Location for created rows), a content type for bytes and streams, extra headers.
 */
import type { RequestMeta } from './auth-middleware';

export interface ResponseMeta extends RequestMeta {
  $statusCode?: number;
  /** Sent as Location with a 201; relative URLs resolve against the request's. */
  $location?: string;
  $responseType?: string;
  $responseHeaders?: Record<string, string>;
}

/** Marks the response as "201 Created" at `location`. */
export function created(meta: ResponseMeta, location: string): void {
  meta.$statusCode = 201;
  meta.$location = location;
}
