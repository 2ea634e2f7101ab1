/**
 * An in-memory backing for the node context: stores in maps, progress and logs recorded, models
 * from loader functions, stored credentials from a map. For node tests and the engine's own
 * tests; the platform backs the same interfaces with real storage.
 */
import { randomUUID } from 'node:crypto';
import { applyCredential, type CredentialSecret } from '../credentials';
import { MemoryConditioningStore, MemoryTensorStore } from '../memory-stores';
import { NodeError } from '../../../engine/errors';
import type { ImageRef, ModelRef } from '../../../engine/fields/field-types';
import type {
  ConditioningStore,
  ContextHooks,
  ContextHost,
  CredentialAccess,
  ImageStore,
  ImageToSave,
  InvocationInfo,
  ModelInfo,
  ModelLoader,
  NodeContext,
  NetworkPolicy,
  NodeLogger,
  ProgressUpdate,
  ResolvedCredential,
  StoredImage,
  TensorStore,
} from '../../../engine/node-context';

export class MemoryImageStore implements ImageStore {
  readonly images = new Map<string, StoredImage & { readonly intermediate: boolean }>();

  async get(ref: ImageRef): Promise<StoredImage> {
    const image = this.images.get(ref.imageName);
    if (!image) throw new NodeError('image_not_found', `There is no image named "${ref.imageName}"`);
    return image;
  }

  async save(image: ImageToSave): Promise<ImageRef> {
    const ref = { imageName: `${randomUUID()}.${image.format}` };
    this.images.set(ref.imageName, { ...image, ref, intermediate: image.intermediate ?? true });
    return ref;
  }
}

export interface MemoryModel {
  readonly info: ModelInfo;
  /** Loads the model, or the part `submodel` names. */
  load(submodel?: string): Promise<unknown>;
  /** A file of a multi-file model, by relative path. */
  readFile?(relativePath: string): Promise<Uint8Array>;
}

export class MemoryModelLoader implements ModelLoader {
  readonly loads: string[] = [];
  constructor(private readonly models: ReadonlyMap<string, MemoryModel> = new Map()) {}

  async info(ref: ModelRef): Promise<ModelInfo> {
    return this.find(ref).info;
  }

  async load<T>(ref: ModelRef): Promise<T> {
    this.loads.push(ref.submodel ? `${ref.key}/${ref.submodel}` : ref.key);
    return (await this.find(ref).load(ref.submodel)) as T;
  }

  async readFile(ref: ModelRef, relativePath: string): Promise<Uint8Array> {
    const model = this.find(ref);
    if (!model.readFile) throw new NodeError('model_file_not_found', `Model "${model.info.name}" has no file ${relativePath}`, { field: 'model' });
    return model.readFile(relativePath);
  }

  private find(ref: ModelRef): MemoryModel {
    const model = this.models.get(ref.key);
    if (!model) throw new NodeError('model_not_found', `There is no model with key "${ref.key}"`, { field: 'model' });
    return model;
  }
}

export interface RecordedLog {
  readonly level: keyof NodeLogger;
  readonly message: string;
  readonly instanceId: string;
}

/**
 * The run owner's credentials from a map of id → secret, applied as the platform applies them;
 * `used` records each id a node asked for.
 */
export class MemoryCredentials implements CredentialAccess {
  readonly used: string[] = [];
  constructor(private readonly secrets: ReadonlyMap<string, CredentialSecret> = new Map()) {}

  async use(id: string, field = 'credential'): Promise<ResolvedCredential> {
    const secret = this.secrets.get(id);
    if (!secret) throw new NodeError('unknown_credential', `You have no stored credential with the id "${id}"`, { field });
    this.used.push(id);
    return applyCredential(secret);
  }
}

export interface MemoryContextOptions {
  /** Stored credentials by id; without them, nodes find no `ctx.credentials` (as on a host that offers none). */
  readonly credentials?: ReadonlyMap<string, CredentialSecret>;
  /** Where URL-fetching nodes may connect; public addresses only when absent. */
  readonly network?: NetworkPolicy;
}

/** The host for tests: one set of stores shared by every invocation of a run. */
export class MemoryContextHost implements ContextHost {
  readonly images = new MemoryImageStore();
  readonly tensors = new MemoryTensorStore();
  readonly conditioning = new MemoryConditioningStore();
  readonly logs: RecordedLog[] = [];
  readonly models: MemoryModelLoader;
  readonly credentials: MemoryCredentials | undefined;
  readonly network: NetworkPolicy | undefined;

  constructor(models?: ReadonlyMap<string, MemoryModel>, options: MemoryContextOptions = {}) {
    this.models = new MemoryModelLoader(models);
    this.credentials = options.credentials ? new MemoryCredentials(options.credentials) : undefined;
    this.network = options.network;
  }

  createContext(invocation: InvocationInfo, hooks: ContextHooks): NodeContext {
    return new MemoryNodeContext(this, invocation, hooks);
  }
}

class MemoryNodeContext implements NodeContext, NodeLogger {
  readonly images: ImageStore;
  readonly tensors: TensorStore;
  readonly conditioning: ConditioningStore;
  readonly models: ModelLoader;
  readonly credentials?: CredentialAccess;
  readonly network?: NetworkPolicy;
  readonly signal: AbortSignal;

  constructor(
    private readonly host: MemoryContextHost,
    readonly invocation: InvocationInfo,
    private readonly hooks: ContextHooks,
  ) {
    this.images = host.images;
    this.tensors = host.tensors;
    this.conditioning = host.conditioning;
    this.models = host.models;
    if (host.credentials) this.credentials = host.credentials;
    if (host.network) this.network = host.network;
    this.signal = hooks.signal;
  }

  get logger(): NodeLogger {
    return this;
  }

  progress(update: ProgressUpdate): void {
    this.hooks.progress(update);
  }

  debug(message: string): void {
    this.record('debug', message);
  }
  info(message: string): void {
    this.record('info', message);
  }
  warn(message: string): void {
    this.record('warn', message);
  }
  error(message: string): void {
    this.record('error', message);
  }

  private record(level: keyof NodeLogger, message: string): void {
    this.host.logs.push({ level, message, instanceId: this.invocation.instanceId });
  }
}

/** One context for calling a node's `invoke` directly in a test; progress updates are recorded. */
export function createTestContext(options: { host?: MemoryContextHost; signal?: AbortSignal; type?: string } = {}) {
  const host = options.host ?? new MemoryContextHost();
  const progress: ProgressUpdate[] = [];
  const invocation: InvocationInfo = {
    sessionId: 'test-session',
    nodeId: 'test-node',
    instanceId: 'test-node',
    type: options.type ?? 'test.node',
    version: '1.0.0',
  };
  const ctx = host.createContext(invocation, {
    signal: options.signal ?? new AbortController().signal,
    progress: (update) => progress.push(update),
  });
  return { ctx, host, progress };
}
