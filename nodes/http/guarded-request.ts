/**
 * One HTTP(S) exchange for the http pack's nodes, behind the platform's URL guard
 * (@pinksea/node-sdk/url-guard, the one the model installer uses): http and https only, the
 * host resolved and every address checked (no private, loopback, link-local or metadata address
 * unless the context's network policy allows it), and the connection made to the addresses that
 * were checked, so a name cannot answer one address to the check and another to the connection
 * (DNS rebinding). That pinning is why this uses node:http rather than fetch: fetch has no way to
 * fix the addresses it connects to without a dispatcher from the undici package.
 *
 * Redirects are followed by hand, at most five, each hop checked again. A credential's headers go
 * only to the origin the request started at, and its query parameters only on the first URL. The
 * answer is read as a stream and cut off past `maxBytes` (after decompression, so a small gzip
 * bomb is cut off too). The run's signal and the timeout both abort it.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { CanceledError, NodeError, type NetworkPolicy, type ResolvedCredential } from '@pinksea/node-sdk';
import { guardUrl, pinnedLookup, UrlNotAllowedError, type GuardedUrl } from '@pinksea/node-sdk/url-guard';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers that carry who the caller is: not sent on to another origin after a redirect (as fetch does). */
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

export interface GuardedRequest {
  readonly url: string;
  readonly method: HttpMethod;
  /** Lower-case names; the credential's are added on top. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  readonly credential?: ResolvedCredential;
  readonly network?: NetworkPolicy;
  /** The run's signal (cancellation). */
  readonly signal: AbortSignal;
  readonly timeoutSeconds: number;
  readonly maxBytes: number;
  /** The node's input names, for errors that point at them. */
  readonly fields: { readonly url: string; readonly timeout: string; readonly maxBytes: string };
}

export interface HttpAnswer {
  readonly status: number;
  readonly statusText: string;
  /** Lower-case names; repeated headers (set-cookie) as lists. */
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Where the answer came from, after redirects (without the credential's query parameters). */
  readonly url: URL;
}

export async function guardedRequest(request: GuardedRequest): Promise<HttpAnswer> {
  const timeout = AbortSignal.timeout(request.timeoutSeconds * 1000);
  const signal = AbortSignal.any([request.signal, timeout]);
  const policy = {
    allowPrivate: request.network?.allowPrivateAddresses ?? false,
    allowedAddresses: request.network?.allowedAddresses ?? [],
    field: request.fields.url,
  };
  try {
    let hop = await guard(request.url, policy);
    const origin = hop.url.origin;
    let { method, body } = request;
    let headers = { ...request.headers };
    for (let redirects = 0; ; redirects++) {
      const sameOrigin = hop.url.origin === origin;
      const target = new URL(hop.url);
      // The credential's query parameters are added to the URL the user gave, never to one a server chose.
      if (redirects === 0) for (const [name, value] of Object.entries(request.credential?.query ?? {})) target.searchParams.set(name, value);
      const sent = sameOrigin && request.credential ? { ...headers, ...request.credential.headers } : headers;
      const response = await send({ url: target, addresses: hop.addresses }, method, sent, body, signal);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (!REDIRECTS.has(status) || !location) return { status, statusText: response.statusMessage ?? '', headers: response.headers, body: await readBody(response, method, request), url: hop.url };
      response.resume();
      if (redirects >= MAX_REDIRECTS) throw new NodeError('too_many_redirects', `${hop.url.host} redirected more than ${MAX_REDIRECTS} times`, { field: request.fields.url });
      const next = new URL(location, hop.url);
      hop = await guard(next.toString(), policy, `${hop.url.host} redirected to`);
      // 303, and 301/302 after a POST, become a GET without a body (as browsers and fetch do); 307 and 308 repeat the request.
      if (status === 303 ? method !== 'HEAD' : (status === 301 || status === 302) && method === 'POST') {
        method = 'GET';
        body = undefined;
        headers = withoutHeaders(headers, ['content-type']);
      }
      if (hop.url.origin !== origin) headers = withoutHeaders(headers, ORIGIN_BOUND_HEADERS);
    }
  } catch (error) {
    if (request.signal.aborted) throw new CanceledError();
    if (timeout.aborted) {
      throw new NodeError('http_timeout', `No complete answer within ${request.timeoutSeconds} s: raise the timeout or check the server`, { field: request.fields.timeout, kind: 'transient' });
    }
    if (error instanceof NodeError || error instanceof CanceledError) throw error;
    throw new NodeError('http_unreachable', `The request failed: ${describe(error)}`, { field: request.fields.url, kind: 'transient' });
  }
}

/** The guard's refusal as the node's error, naming the input. */
async function guard(url: string, policy: { allowPrivate: boolean; allowedAddresses: readonly string[]; field: string }, redirectedBy?: string): Promise<GuardedUrl> {
  try {
    return await guardUrl(url, policy);
  } catch (error) {
    if (!(error instanceof UrlNotAllowedError)) throw error;
    const message = redirectedBy ? `${redirectedBy} a URL that is not allowed: ${error.message}` : error.message;
    throw new NodeError('url_not_allowed', message, { field: policy.field });
  }
}

function send(hop: GuardedUrl, method: HttpMethod, headers: Readonly<Record<string, string>>, body: Uint8Array | undefined, signal: AbortSignal): Promise<IncomingMessage> {
  const client = hop.url.protocol === 'https:' ? https : http;
  const length = body ? { 'content-length': String(body.byteLength) } : {};
  return new Promise((resolve, reject) => {
    // No shared agent: a connection is never reused for another run's request to the same host.
    const pinned = hop.addresses ? { lookup: pinnedLookup(hop.addresses) } : {};
    const outgoing = client.request(hop.url, { method, headers: { ...headers, ...length }, signal, agent: false, ...pinned }, resolve);
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** The body, decompressed, refused past the cap (a Content-Length over it is refused before reading). */
async function readBody(response: IncomingMessage, method: HttpMethod, request: GuardedRequest): Promise<Buffer> {
  const tooLarge = () =>
    new NodeError('response_too_large', `The answer is larger than the ${Math.round(request.maxBytes / 1024)} KB that maxResponseKb allows`, { field: request.fields.maxBytes });
  if (method === 'HEAD') {
    response.resume();
    return Buffer.alloc(0);
  }
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > request.maxBytes) {
    response.destroy();
    throw tooLarge();
  }
  const stream = decoded(response);
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of stream) {
      bytes += (chunk as Buffer).length;
      if (bytes > request.maxBytes) throw tooLarge();
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    response.destroy();
    if (stream !== response) stream.destroy();
    if (error instanceof NodeError) throw error;
    if (isZlibError(error)) throw new NodeError('bad_response', `The answer's ${String(response.headers['content-encoding'])} encoding is broken`, { field: request.fields.url, kind: 'transient' });
    throw error;
  }
  return Buffer.concat(chunks);
}

function decoded(response: IncomingMessage): Readable {
  const encoding = String(response.headers['content-encoding'] ?? '').trim().toLowerCase();
  const decoder = encoding === 'gzip' || encoding === 'x-gzip' ? zlib.createGunzip() : encoding === 'deflate' ? zlib.createInflate() : encoding === 'br' ? zlib.createBrotliDecompress() : undefined;
  if (!decoder) return response;
  response.on('error', (error) => decoder.destroy(error));
  return response.pipe(decoder);
}

function withoutHeaders(headers: Readonly<Record<string, string>>, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.includes(name)));
}

function isZlibError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('Z_');
}

/** A network failure in a few words (its code and message: no headers, no body). */
function describe(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.includes(code) ? `${code} ${message}` : message;
}
