/**
 * ONNX Runtime sessions that live on a worker thread. onnxruntime-node builds a session
 * synchronously (a 300 MiB model held the event loop for 1.3 s in bench:inference, a 20 GB one
 * would stall heartbeats and job locks past their timeouts), so every session of a process is
 * created, run and released on one thread, and the broker's thread stays free. Nodes get a
 * `ThreadSession` with the surface of an InferenceSession they use: names, metadata, `run` and
 * `release`. Feeds are copied to the thread; outputs come back by transfer, without a copy. A
 * large feed passed again as the same Tensor (a sampler's text states, every step) stays on the
 * thread and is not copied again, unless its contents visibly changed.
 */
import { Worker } from 'node:worker_threads';
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import { PinkseaError } from '../../engine/errors';

type Metadata = InferenceSession['inputMetadata'];

interface WireTensor {
  readonly type: Tensor.Type;
  readonly data: Tensor.DataType;
  readonly dims: readonly number[];
  /** Keep it on the thread under this id for later runs. */
  readonly keep?: number;
}

/** A feed the thread already holds. */
interface KeptTensor {
  readonly kept: number;
}

/** Feeds at least this large are kept on the thread when passed again. */
const KEEP_BYTES = 64 * 1024;
/** Kept feeds per session; the oldest goes first. */
const KEEP_MAX = 4;

type Request =
  | { readonly id: number; readonly op: 'load'; readonly file: string; readonly provider: string }
  | { readonly id: number; readonly op: 'run'; readonly session: number; readonly feeds: Record<string, WireTensor | KeptTensor>; readonly forget: readonly number[] }
  | { readonly id: number; readonly op: 'release'; readonly session: number };

type Reply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly message: string };

interface Loaded {
  readonly session: number;
  readonly inputNames: string[];
  readonly outputNames: string[];
  readonly inputMetadata: Metadata;
  readonly outputMetadata: InferenceSession['outputMetadata'];
}

/** The thread's side, as source: it needs nothing of this project but onnxruntime-node. */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ort);
const sessions = new Map();
const keptBySession = new Map();
let next = 1;
const plain = (metadata) => JSON.parse(JSON.stringify(metadata));
parentPort.on('message', async (request) => {
  try {
    if (request.op === 'load') {
      const session = await ort.InferenceSession.create(request.file, { executionProviders: [request.provider] });
      const id = next++;
      sessions.set(id, session);
      parentPort.postMessage({ id: request.id, ok: true, value: { session: id, inputNames: session.inputNames, outputNames: session.outputNames,
        inputMetadata: plain(session.inputMetadata), outputMetadata: plain(session.outputMetadata) } });
    } else if (request.op === 'run') {
      const session = sessions.get(request.session);
      if (!session) throw new Error('this model was released');
      const kept = keptBySession.get(request.session) || new Map();
      keptBySession.set(request.session, kept);
      for (const id of request.forget) kept.delete(id);
      const feeds = {};
      for (const [name, t] of Object.entries(request.feeds)) {
        if (t.kept !== undefined) {
          const tensor = kept.get(t.kept);
          if (!tensor) throw new Error('a kept feed is gone');
          feeds[name] = tensor;
          continue;
        }
        feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
        if (t.keep !== undefined) kept.set(t.keep, feeds[name]);
      }
      const results = await session.run(feeds);
      const value = {};
      const transfer = [];
      for (const [name, t] of Object.entries(results)) {
        value[name] = { type: t.type, data: t.data, dims: t.dims };
        if (t.data && t.data.buffer && !transfer.includes(t.data.buffer)) transfer.push(t.data.buffer);
      }
      parentPort.postMessage({ id: request.id, ok: true, value }, transfer);
    } else if (request.op === 'release') {
      const session = sessions.get(request.session);
      sessions.delete(request.session);
      keptBySession.delete(request.session);
      if (session) await session.release();
      parentPort.postMessage({ id: request.id, ok: true, value: null });
    }
  } catch (error) {
    parentPort.postMessage({ id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) });
  }
});
`;

/** The thread that holds this process's sessions; started on first use, restarted if it dies. */
export class SessionThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private nextId = 1;

  async load(file: string, provider = 'cpu'): Promise<ThreadSession> {
    const loaded = (await this.call({ id: this.nextId++, op: 'load', file, provider })) as Loaded;
    return new ThreadSession(this, loaded);
  }

  /** @internal */
  call(request: Request): Promise<unknown> {
    const worker = this.thread();
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      worker.postMessage(request);
    });
  }

  /** @internal */
  id(): number {
    return this.nextId++;
  }

  /** Ends the thread and every session on it. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { ort: require.resolve('onnxruntime-node') } });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.value);
      else waiting.reject(new PinkseaError('onnx_runtime_error', reply.message, 'user'));
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiting of this.pending.values()) waiting.reject(new PinkseaError('model_thread_stopped', `The model thread stopped: ${error.message}`, 'transient'));
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    this.worker = worker;
    return worker;
  }
}

/** An InferenceSession's working surface, backed by a session on the model thread. */
export class ThreadSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: Metadata;
  readonly outputMetadata: InferenceSession['outputMetadata'];
  private released = false;
  /** Large feeds the thread holds for this session, by the Tensor passed. */
  private readonly kept = new WeakMap<Tensor, { id: number; fingerprint: string }>();
  private readonly keptOrder: { id: number; tensor: Tensor }[] = [];
  private nextKept = 1;

  constructor(
    private readonly thread: SessionThread,
    private readonly loaded: Loaded,
  ) {
    this.inputNames = loaded.inputNames;
    this.outputNames = loaded.outputNames;
    this.inputMetadata = loaded.inputMetadata;
    this.outputMetadata = loaded.outputMetadata;
  }

  async run(feeds: Readonly<Record<string, Tensor>>): Promise<Record<string, Tensor>> {
    const wire: Record<string, WireTensor | KeptTensor> = {};
    const forget: number[] = [];
    for (const [name, tensor] of Object.entries(feeds)) {
      const data = tensor.data as ArrayLike<unknown> & { byteLength?: number };
      const large = (data.byteLength ?? 0) >= KEEP_BYTES;
      const kept = large ? this.kept.get(tensor) : undefined;
      if (kept && kept.fingerprint === fingerprint(data)) {
        wire[name] = { kept: kept.id };
        continue;
      }
      if (kept) forget.push(kept.id);
      let keep: number | undefined;
      if (large) {
        keep = this.nextKept++;
        this.kept.set(tensor, { id: keep, fingerprint: fingerprint(data) });
        this.keptOrder.push({ id: keep, tensor });
        while (this.keptOrder.length > KEEP_MAX) {
          const oldest = this.keptOrder.shift()!;
          this.kept.delete(oldest.tensor);
          forget.push(oldest.id);
        }
      }
      wire[name] = { type: tensor.type, data: tensor.data, dims: tensor.dims, ...(keep !== undefined ? { keep } : {}) };
    }
    let results: Record<string, WireTensor>;
    try {
      results = (await this.thread.call({ id: this.thread.id(), op: 'run', session: this.loaded.session, feeds: wire, forget })) as Record<string, WireTensor>;
    } catch (error) {
      // What this run asked the thread to keep may not be there: send it whole next time.
      for (const tensor of Object.values(feeds)) this.kept.delete(tensor);
      throw error;
    }
    const tensors: Record<string, Tensor> = {};
    for (const [name, tensor] of Object.entries(results)) tensors[name] = new Tensor(tensor.type, tensor.data as never, tensor.dims);
    return tensors;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.thread.call({ id: this.thread.id(), op: 'release', session: this.loaded.session }).catch(() => undefined);
  }
}

/** A cheap check that a kept feed was not rewritten in place: its length and 32 values across it. */
function fingerprint(data: ArrayLike<unknown>): string {
  const parts: unknown[] = [data.length];
  for (let i = 0; i < 32; i += 1) parts.push(data[Math.floor((i * (data.length - 1)) / 31)]);
  return parts.join(',');
}
