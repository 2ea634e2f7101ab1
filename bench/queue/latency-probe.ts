/**
 * Samples the latency of one GET route from a worker thread of this process. The platform runs
 * in-process, so a client on the main thread could not even send while a CPU-heavy node holds
 * the event loop, and would under-report exactly the stalls this measures. The thread sends on a
 * fixed schedule (open loop: a stalled server does not slow the sender down), to 127.0.0.1 only,
 * bounded in count and time, after three unmeasured requests.
 */
import { Worker } from 'node:worker_threads';

export interface ProbeOptions {
  readonly url: string;
  readonly token?: string;
  /** Requests to send at most. */
  readonly count: number;
  /** A request every this many ms, whether or not earlier ones have answered. */
  readonly intervalMs: number;
  /** No request is sent after this many ms. */
  readonly maxMs: number;
}

export interface ProbeResult {
  readonly samples: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

// Plain JavaScript: the thread runs without the TypeScript loader.
const PROBE_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, token, count, intervalMs, maxMs } = workerData;
const headers = token ? { authorization: 'Bearer ' + token } : {};
const latencies = [];
const failures = [];
const inFlight = [];
(async () => {
  // A few unmeasured requests first: the thread's first fetch pays for its own start-up.
  for (let index = 0; index < 3; index++) await fetch(url, { headers }).then((response) => response.arrayBuffer());
  const begun = performance.now();
  for (let index = 0; index < count; index++) {
    const due = begun + index * intervalMs;
    if (due - begun > maxMs) break;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const sent = performance.now();
    inFlight.push(
      fetch(url, { headers, signal: AbortSignal.timeout(60000) }).then(
        async (response) => {
          await response.arrayBuffer();
          if (response.ok) latencies.push(performance.now() - sent);
          else failures.push('HTTP ' + response.status);
        },
        (error) => failures.push(String(error)),
      ),
    );
  }
  await Promise.all(inFlight);
  parentPort.postMessage({ latencies, failures });
})();
`;

export function probeLatency(options: ProbeOptions): Promise<ProbeResult> {
  const url = new URL(options.url);
  if (url.hostname !== '127.0.0.1') throw new Error(`the latency probe only calls 127.0.0.1, not ${url.hostname}`);
  return new Promise((resolve, reject) => {
    const worker = new Worker(PROBE_SOURCE, { eval: true, workerData: { ...options } });
    worker.once('error', reject);
    worker.once('message', (message: { latencies: number[]; failures: string[] }) => {
      void worker.terminate();
      if (message.failures.length > 0) reject(new Error(`${message.failures.length} probe requests to ${options.url} failed, e.g. ${message.failures[0]}`));
      else resolve(summarize(message.latencies));
    });
  });
}

function summarize(latencies: number[]): ProbeResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (quantile: number) => sorted[Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)]!;
  return { samples: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1]! };
}
