/**
 * A closed-loop HTTP load client on a worker thread of this process: `connections` keep-alive
 * connections to 127.0.0.1, each sending the next request as soon as the last one answered, for
 * a warm-up and then a measured span. The server under test runs on the main thread, so the
 * client must not share its event loop. Latencies are of the measured span only.
 */
import { Worker } from 'node:worker_threads';

export interface LoadOptions {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly connections: number;
  readonly warmupMs: number;
  readonly durationMs: number;
}

export interface LoadResult {
  /** Answered requests per second over the measured span. */
  readonly perSecond: number;
  readonly requests: number;
  readonly p50: number;
  readonly p99: number;
  /** Answers that were not the expected status, and errors. */
  readonly failures: number;
  readonly firstFailure?: string;
}

// Plain JavaScript: the thread runs without the TypeScript loader.
const CLIENT_SOURCE = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const { url, method, body, headers, connections, warmupMs, durationMs } = workerData;
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const payload = body === undefined ? undefined : Buffer.from(body);
const sendHeaders = { ...headers, ...(payload ? { 'content-length': String(payload.length) } : {}) };
const latencies = [];
let failures = 0;
let firstFailure;
let measuring = false;
let stopping = false;
function once() {
  return new Promise((resolve) => {
    const sent = performance.now();
    const request = http.request({ host: target.hostname, port: target.port, path: target.pathname + target.search, method, headers: sendHeaders, agent }, (response) => {
      response.on('data', () => undefined);
      response.on('end', () => {
        if (measuring) {
          if (response.statusCode >= 200 && response.statusCode < 300) latencies.push(performance.now() - sent);
          else { failures++; firstFailure ??= 'HTTP ' + response.statusCode; }
        }
        resolve();
      });
    });
    request.on('error', (error) => { if (measuring) { failures++; firstFailure ??= String(error); } resolve(); });
    if (payload) request.end(payload); else request.end();
  });
}
async function loop() { while (!stopping) await once(); }
(async () => {
  const loops = Array.from({ length: connections }, loop);
  await new Promise((resolve) => setTimeout(resolve, warmupMs));
  measuring = true;
  const begun = performance.now();
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  measuring = false;
  const elapsed = performance.now() - begun;
  stopping = true;
  await Promise.all(loops);
  agent.destroy();
  parentPort.postMessage({ latencies, failures, firstFailure, elapsed });
})();
`;

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.url);
  if (url.hostname !== '127.0.0.1') throw new Error(`the load client only calls 127.0.0.1, not ${url.hostname}`);
  return new Promise((resolve, reject) => {
    const worker = new Worker(CLIENT_SOURCE, { eval: true, workerData: { ...options } });
    worker.once('error', reject);
    worker.once('message', (message: { latencies: number[]; failures: number; firstFailure?: string; elapsed: number }) => {
      void worker.terminate();
      const sorted = [...message.latencies].sort((a, b) => a - b);
      const at = (quantile: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(quantile * sorted.length) - 1))] ?? NaN;
      resolve({
        perSecond: (sorted.length / message.elapsed) * 1000,
        requests: sorted.length,
        p50: at(0.5),
        p99: at(0.99),
        failures: message.failures,
        ...(message.firstFailure ? { firstFailure: message.firstFailure } : {}),
      });
    });
  });
}
