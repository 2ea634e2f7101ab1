/**
 * What the http pack's specs share: a real HTTP server on 127.0.0.1 (node:http) whose routes a
 * spec sets, recording every request it receives, and the network policy that admits exactly that
 * server's address. The default policy (none) refuses it like any loopback address, so specs that
 * check the guard run with no policy.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NetworkPolicy } from '@pinksea/node-sdk';

/** Admits the spec's own server, and no other private address: what production never sets. */
export const TEST_NETWORK: NetworkPolicy = { allowPrivateAddresses: false, allowedAddresses: ['127.0.0.1'] };

export interface ReceivedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export type Route = (request: ReceivedRequest, response: ServerResponse) => void;

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  readonly received: ReceivedRequest[];
  /** Routes by path (without the query); anything else is a 404. */
  readonly routes: Map<string, Route>;
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const received: ReceivedRequest[] = [];
  const routes = new Map<string, Route>();
  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      received.push(request);
      const route = routes.get(new URL(request.url, 'http://x').pathname);
      if (route) return route(request, res);
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not here');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    received,
    routes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers JSON. */
export const json =
  (value: unknown, status = 200, headers: Record<string, string> = {}): Route =>
  (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(value));
  };

/** Answers these bytes with this content type. */
export const bytes =
  (data: Uint8Array | string, contentType: string, status = 200): Route =>
  (_request, response) => {
    response.writeHead(status, { 'content-type': contentType });
    response.end(data);
  };

/** Redirects with this status to `location`. */
export const redirect =
  (location: string, status = 302): Route =>
  (_request, response) => {
    response.writeHead(status, { location });
    response.end();
  };
