/**
 * Security headers on every answer of the gateway's HTTP server: the REST API's JSON, its errors,
 * images, the studio's files and the API reference. helmet's defaults (nosniff, frame and referrer
 * policy, HSTS, cross-origin policies, no X-Powered-By) with a Content-Security-Policy the studio
 * runs under:
 *
 * - styles may be inline: Angular inserts component styles as <style> elements, and the editor
 *   positions nodes with style attributes;
 * - images may be `blob:` and `data:` URLs: the studio shows authenticated images through blob URLs
 *   and paints masks on canvases; and they may come from the blob store's origin where images are
 *   delivered by presigned URLs (services/images/image-delivery.ts), from no other;
 * - scripts come from the gateway only, plus the inline event handlers and scripts of the studio's
 *   own index.html, allowed by their hashes (Angular's critical-CSS inlining loads the stylesheet
 *   with `onload="this.media='all'"`);
 * - no upgrade-insecure-requests: the gateway is often reached over plain HTTP (127.0.0.1, a
 *   cluster's internal address), where upgrading its own files to https would break the studio.
 *
 * The headers are set when a request arrives, before moleculer-web sees it, so no route, error
 * path or static file can answer without them.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import path from 'node:path';
import helmet from 'helmet';

/** The `'sha256-…'` sources of index.html's inline scripts and inline event handlers. */
export interface InlineScriptHashes {
  readonly scripts: readonly string[];
  readonly handlers: readonly string[];
}

const NONE: InlineScriptHashes = { scripts: [], handlers: [] };

/**
 * `imageOrigins`: origins besides the gateway's own that images may be shown from (the S3 store's,
 * where the image routes redirect to presigned URLs).
 */
export function securityHeadersMiddleware(inline: InlineScriptHashes = NONE, imageOrigins: readonly string[] = []): (req: IncomingMessage, res: ServerResponse) => void {
  const middleware = helmet({
    contentSecurityPolicy: {
      directives: {
        'img-src': ["'self'", 'data:', 'blob:', ...imageOrigins.map(cspSource)],
        'script-src': ["'self'", ...inline.scripts],
        'script-src-attr': inline.handlers.length > 0 ? ["'unsafe-hashes'", ...inline.handlers] : ["'none'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'upgrade-insecure-requests': null,
      },
    },
  });
  return (req, res) => middleware(req, res, () => undefined);
}

/** Sets the headers on every request the server answers, ahead of its other listeners. */
export function applySecurityHeaders(server: Server, inline: InlineScriptHashes = NONE, imageOrigins: readonly string[] = []): void {
  server.prependListener('request', securityHeadersMiddleware(inline, imageOrigins));
}

/** An origin as a CSP source: scheme, host and port only, so nothing after it can widen or break the directive. */
function cspSource(origin: string): string {
  const url = new URL(origin);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RangeError(`"${origin}" is not an http(s) origin`);
  return url.origin;
}

/** The hashes of the studio's index.html (none when there is no studio there). */
export function studioInlineScriptHashes(studioDir: string): InlineScriptHashes {
  let html: string;
  try {
    html = readFileSync(path.join(studioDir, 'index.html'), 'utf8');
  } catch {
    return NONE;
  }
  return inlineScriptHashes(html);
}

/** What CSP must hash to let an HTML page's own inline code run: <script> bodies and on… attributes. */
export function inlineScriptHashes(html: string): InlineScriptHashes {
  const scripts = [...html.matchAll(/<script\b(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script\s*>/gi)].map((match) => match[1]!).filter((body) => body.trim());
  const handlers = [...html.matchAll(/\son[a-z]+\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)].map((match) => decodeEntities(match[1] ?? match[2] ?? ''));
  return { scripts: unique(scripts.map(sha256Source)), handlers: unique(handlers.map(sha256Source)) };
}

function sha256Source(code: string): string {
  return `'sha256-${createHash('sha256').update(code, 'utf8').digest('base64')}'`;
}

/** The few entities an attribute value of a built index.html holds; the browser hashes the decoded value. */
function decodeEntities(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
