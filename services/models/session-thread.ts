/**
 * ONNX Runtime sessions that live on a worker thread. onnxruntime-node builds a session
 * synchronously (a 300 MiB model held the event loop for 1.3 s in bench:inference, a 20 GB one
 * would stall heartbeats and job locks past their timeouts), so every session of a process is
 * created, run and released on one thread, and the broker's thread stays free. Nodes get a
 * `ThreadSession` with the surface of an InferenceSession they use: names, metadata, `run` and
 * `release`. Feeds are copied to the thread; outputs come back by transfer, without a copy.
 */
import { Worker } from 'node:worker_threads';
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import { PinkseaError } from '../../engine/errors';

type Metadata = InferenceSession['inputMetadata'];

interface WireTensor {
  readonly type: Tensor.Type;
  readonly data: Tensor.DataType;
  readonly dims: readonly number[];
}

type Request =
  | { readonly id: number; readonly op: 'load'; readonly file: string; readonly provider: string }
  | { readonly id: number; readonly op: 'run'; readonly session: number; readonly feeds: Record<string, WireTensor> }
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
      const feeds = {};
      for (const [name, t] of Object.entries(request.feeds)) feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
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
    const wire: Record<string, WireTensor> = {};
    for (const [name, tensor] of Object.entries(feeds)) wire[name] = { type: tensor.type, data: tensor.data, dims: tensor.dims };
    const results = (await this.thread.call({ id: this.thread.id(), op: 'run', session: this.loaded.session, feeds: wire })) as Record<string, WireTensor>;
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
