/**
 * An in-process broker with the gateway on a free port, the real middlewares and whatever services
 * a spec gives it, plus a small JSON client for its REST API.
 */
import { ServiceBroker, type ServiceSchema } from 'moleculer';
import { loadConfig } from '../../config/config';
import { createBrokerOptions } from '../../moleculer.config';
import { createApiService, gatewayUrl, refreshRoutes } from '../../services/api/api.service';

export interface TestPlatform {
  readonly broker: ServiceBroker;
  readonly url: string;
  stop(): Promise<void>;
}

let counter = 0;

export async function startTestPlatform(services: readonly ServiceSchema[], gateway: { studioDir?: string } = {}): Promise<TestPlatform> {
  const config = loadConfig({ PINKSEA_LOG_LEVEL: 'error', PINKSEA_NODE_ID: `test-${process.pid}-${++counter}` });
  const broker = new ServiceBroker(createBrokerOptions(config));
  for (const schema of services) broker.createService(schema);
  const api = broker.createService(createApiService({ port: 0, host: '127.0.0.1', ...gateway }));
  await broker.start();
  refreshRoutes(api);
  return { broker, url: gatewayUrl(api as never), stop: () => broker.stop() };
}

export interface ApiResponse<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

/** JSON over HTTP to the gateway; `token` becomes the bearer credential. */
export async function request<T = unknown>(
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string | Uint8Array; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  let body: string | Uint8Array | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(`${url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

export interface BinaryResponse {
  readonly status: number;
  readonly bytes: Buffer;
  readonly headers: Headers;
}

/** Like `request`, but the answer's body comes back as bytes (images, zips); a JSON `body` or raw bytes go out. */
export async function requestBinary(
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string | Uint8Array; headers?: Record<string, string> } = {},
): Promise<BinaryResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  let body: string | Uint8Array | undefined = options.rawBody;
  if (body === undefined && options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(`${url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()), headers: response.headers };
}
