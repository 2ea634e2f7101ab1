/**
 * The studio's static files, served by the gateway at `/` next to the REST API. A path that names
 * no file and is not under the API falls back to index.html, so the studio's own routes
 * (/gallery, /queue) survive a reload; API paths keep their JSON 404s.
 */
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import ApiGateway from 'moleculer-web';
import { API_BASE_PATH } from './gateway-routes';

export type StaticHandler = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** Whether `folder` holds a built studio (an index.html). */
export function hasStudioBuild(folder: string): boolean {
  return existsSync(path.join(folder, 'index.html'));
}

/**
 * A handler for requests no API route took: the file when it exists, else index.html for a GET
 * that is not under the API, else `next()` (the gateway's 404).
 */
export function createStudioHandler(folder: string): StaticHandler {
  // Hashed bundles may be cached for long; index.html must not be, or a new build is never seen.
  const files = ApiGateway.serveStatic(folder, {
    index: ['index.html'],
    fallthrough: true,
    setHeaders(res: ServerResponse, filePath: string) {
      const cache = path.basename(filePath) === 'index.html' ? 'no-cache' : 'public, max-age=31536000, immutable';
      res.setHeader('Cache-Control', cache);
    },
  });
  const indexOnly = ApiGateway.serveStatic(folder, { index: false, fallthrough: true, setHeaders: (res: ServerResponse) => res.setHeader('Cache-Control', 'no-cache') });
  return (req: IncomingMessage & { originalUrl?: string }, res, next) => {
    // moleculer-web strips its base path from req.url before handing over; the API is not ours.
    if (req.originalUrl) req.url = req.originalUrl;
    if (isApiPath(req.url)) return next();
    files(req, res, (error?: unknown) => {
      if (error || !isStudioRoute(req)) return next(error);
      req.url = '/index.html';
      indexOnly(req, res, next);
    });
  };
}

/** A page of the studio: a GET or HEAD outside the API whose last segment has no file extension. */
export function isStudioRoute(req: Pick<IncomingMessage, 'method' | 'url'>): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (isApiPath(req.url)) return false;
  return !path.posix.basename(pathnameOf(req.url)).includes('.');
}

function isApiPath(url: string | undefined): boolean {
  const pathname = pathnameOf(url);
  return pathname === API_BASE_PATH || pathname.startsWith(`${API_BASE_PATH}/`);
}

function pathnameOf(url: string | undefined): string {
  return new URL(url ?? '/', 'http://studio').pathname;
}
