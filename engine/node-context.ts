/**
 * The narrow facade a node sees while it runs (CONVENTIONS §3): images, tensors, conditioning,
 * models, progress, cancellation, a logger, the run owner's stored credentials and where URLs may
 * lead, never services, the database or the broker.
 * The host backs it: in memory for tests (nodes/sdk/testing), with real storage on the platform.
 */
import type { ConditioningRef, ImageRef, ModelRef, TensorRef } from './fields/field-types';

export type ImageFormat = 'png' | 'jpeg' | 'webp';

export interface ImageToSave {
  /** The encoded image bytes, in `format`. */
  readonly data: Uint8Array;
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
  /** Intermediate images are working files, hidden from the gallery by default. */
  readonly intermediate?: boolean;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface StoredImage {
  readonly ref: ImageRef;
  readonly data: Uint8Array;
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
}

export interface ImageStore {
  /** The stored image and its bytes; a NodeError `image_not_found` when there is none. */
  get(ref: ImageRef): Promise<StoredImage>;
  save(image: ImageToSave): Promise<ImageRef>;
}

export type TensorDType = 'float32' | 'float16' | 'int32' | 'int64' | 'uint8' | 'bool';

export type TensorData = Float32Array | Uint16Array | Int32Array | BigInt64Array | Uint8Array;

export interface Tensor {
  readonly dtype: TensorDType;
  readonly dims: readonly number[];
  readonly data: TensorData;
}

export interface TensorStore {
  get(ref: TensorRef): Promise<Tensor>;
  save(tensor: Tensor): Promise<TensorRef>;
}

/** Prompt conditioning: one or more embeddings a text encoder produced. */
export interface Conditioning {
  readonly embeddings: readonly Tensor[];
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface ConditioningStore {
  get(ref: ConditioningRef): Promise<Conditioning>;
  save(conditioning: Conditioning): Promise<ConditioningRef>;
}

export interface ModelInfo {
  readonly key: string;
  readonly name: string;
  readonly base: string;
  readonly type: string;
  readonly format: string;
  readonly sizeBytes: number;
}

export interface ModelLoader {
  info(ref: ModelRef): Promise<ModelInfo>;
  /**
   * Loads the model through this worker's cache. The model stays locked in the cache (never
   * evicted) until the invocation ends.
   */
  load<T = unknown>(ref: ModelRef): Promise<T>;
  /**
   * A file inside a multi-file model (a diffusion pipeline's `tokenizer/vocab.json` or
   * `scheduler/scheduler_config.json`), by its path relative to the model's folder.
   */
  readFile(ref: ModelRef, relativePath: string): Promise<Uint8Array>;
}

export interface ProgressPreview {
  readonly width: number;
  readonly height: number;
  /** `data:image/png;base64,…` */
  readonly dataUrl: string;
}

export interface ProgressUpdate {
  /** 1-based step of `total`; percentage is derived when both are given. */
  readonly step?: number;
  readonly total?: number;
  /** 0..1 */
  readonly percentage?: number;
  readonly message?: string;
  /** A stored image of the work so far. */
  readonly image?: ImageRef;
  /**
   * A small picture of the work so far, inline (as InvokeAI's progress image): for previews sent
   * every step, which are not worth storing.
   */
  readonly preview?: ProgressPreview;
}

export interface NodeLogger {
  debug(message: string, data?: Readonly<Record<string, unknown>>): void;
  info(message: string, data?: Readonly<Record<string, unknown>>): void;
  warn(message: string, data?: Readonly<Record<string, unknown>>): void;
  error(message: string, data?: Readonly<Record<string, unknown>>): void;
}

/**
 * A stored credential made ready to apply to an HTTP request: the headers and query parameters
 * to add. Its secret is in these values, so a node sends them and puts them nowhere else (no
 * output, error or log); the host's object says `[credential]` when printed or turned into JSON.
 */
export interface ResolvedCredential {
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
}

/**
 * The run owner's stored credentials (the credentials vault), by id. Nothing lists them, and
 * another user's id is as unknown as a made-up one.
 */
export interface CredentialAccess {
  /**
   * The credential ready to apply; a NodeError `unknown_credential` naming `field` (default
   * `credential`) when the owner has none with this id. Marks the credential used.
   */
  use(id: string, field?: string): Promise<ResolvedCredential>;
}

/**
 * Where nodes that fetch URLs may connect. By default (no policy, or `allowPrivateAddresses`
 * off) only public addresses: a URL whose host resolves to a private, loopback, link-local or
 * metadata address is refused (nodes/sdk/url-guard.ts). The platform turns private addresses on
 * with PINKSEA_ALLOW_PRIVATE_MODEL_URLS, the one setting for every URL users give it.
 */
export interface NetworkPolicy {
  readonly allowPrivateAddresses: boolean;
  /** Exact addresses allowed although not public (tests admit their own 127.0.0.1 server so). */
  readonly allowedAddresses?: readonly string[];
}

/** Which invocation this is, for logs and progress. */
export interface InvocationInfo {
  readonly sessionId: string;
  /** The node's id in the graph the user drew. */
  readonly nodeId: string;
  /** This run of the node: the node id plus its position in any Iterate expansions. */
  readonly instanceId: string;
  readonly type: string;
  readonly version: string;
}

export interface NodeContext {
  readonly invocation: InvocationInfo;
  readonly images: ImageStore;
  readonly tensors: TensorStore;
  readonly conditioning: ConditioningStore;
  readonly models: ModelLoader;
  /** The run owner's stored credentials; absent where the host offers none (nodes say so with a NodeError). */
  readonly credentials?: CredentialAccess;
  /** Where URL-fetching nodes may connect; absent means public addresses only. */
  readonly network?: NetworkPolicy;
  /** Aborted when the run is canceled; long nodes check it between steps. */
  readonly signal: AbortSignal;
  progress(update: ProgressUpdate): void;
  readonly logger: NodeLogger;
}

/** What the host gives the engine: the stores, and a way to make each invocation's context. */
export interface ContextHost {
  createContext(invocation: InvocationInfo, hooks: ContextHooks): NodeContext;
  /**
   * Called once the node's invoke has settled (returned or thrown): what the context held for this
   * invocation alone (model leases) is given back.
   */
  releaseContext?(ctx: NodeContext): void;
}

/** Per-invocation wiring the engine passes to the host. */
export interface ContextHooks {
  readonly signal: AbortSignal;
  progress(update: ProgressUpdate): void;
}
