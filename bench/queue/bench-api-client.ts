/**
 * The queue routes the bench drives, over real HTTP to the platform's gateway, as a signed-in
 * user. Any answer but 2xx stops the bench with the route and the body.
 */
import type { Graph } from '../../engine/graph/graph';

export interface StatusCounts {
  readonly pending: number;
  readonly in_progress: number;
  readonly completed: number;
  readonly failed: number;
  readonly canceled: number;
  readonly total: number;
}

export interface Enqueued {
  readonly batchId: string;
  readonly enqueued: number;
}

/** One field swept over values: the batch has one session per value. */
export interface Sweep {
  readonly nodeId: string;
  readonly field: string;
  readonly items: readonly unknown[];
}

export class BenchApi {
  private constructor(
    readonly url: string,
    readonly token: string,
  ) {}

  static async signIn(url: string, email: string, password: string): Promise<BenchApi> {
    const session = await call<{ accessToken: string }>(url, 'POST', '/auth/login', undefined, { email, password });
    return new BenchApi(url, session.accessToken);
  }

  enqueue(queueId: string, graph: Graph, sweep?: Sweep): Promise<Enqueued> {
    const batch = sweep ? { graph, data: [[sweep]] } : { graph };
    return call<Enqueued>(this.url, 'POST', `/queue/${queueId}/enqueue_batch`, this.token, { batch });
  }

  status(queueId: string, batchId?: string): Promise<StatusCounts> {
    return call<StatusCounts>(this.url, 'GET', `/queue/${queueId}/status${batchId ? `?batchId=${batchId}` : ''}`, this.token);
  }

  cancelAll(queueId: string): Promise<{ canceled: number }> {
    return call(this.url, 'PUT', `/queue/${queueId}/cancel_all`, this.token);
  }

  prune(queueId: string): Promise<{ deleted: number }> {
    return call(this.url, 'PUT', `/queue/${queueId}/prune`, this.token);
  }

  /** First error of a failed item in the batch, for the message when a bench batch fails. */
  async firstFailure(queueId: string, batchId: string): Promise<string> {
    const page = await call<{ items: { id: string; error: { message?: string } | null }[] }>(
      this.url,
      'GET',
      `/queue/${queueId}/list?status=failed&batchId=${batchId}&limit=1`,
      this.token,
    );
    const item = page.items[0];
    return item ? `item ${item.id}: ${item.error?.message ?? 'no error recorded'}` : 'no failed item listed';
  }

  /**
   * Polls the batch's counts every `intervalMs` until none is pending or running; fails the bench
   * when any item failed or `timeoutMs` passed.
   */
  async waitForBatch(queueId: string, batchId: string, expected: number, options: { intervalMs?: number; timeoutMs?: number } = {}): Promise<StatusCounts> {
    const deadline = performance.now() + (options.timeoutMs ?? 300_000);
    for (;;) {
      const counts = await this.status(queueId, batchId);
      if (counts.total !== expected) throw new Error(`batch ${batchId} has ${counts.total} items, not ${expected}`);
      if (counts.failed > 0) throw new Error(`${counts.failed} bench items failed; ${await this.firstFailure(queueId, batchId)}`);
      if (counts.pending === 0 && counts.in_progress === 0) return counts;
      if (performance.now() > deadline) throw new Error(`batch ${batchId} not finished in time: ${JSON.stringify(counts)}`);
      await sleep(options.intervalMs ?? 20);
    }
  }
}

async function call<T>(url: string, method: string, route: string, token: string | undefined, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers['authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${url}${route}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
