/**
 * What backs a node's context when the platform runs a queue item (or an inline automation run):
 * the owner's image store and stored credentials, this session's tensors and conditioning, the
 * worker's models, the platform's network policy, and the broker's logger.
 * Models come from a loader made for each invocation, released when the node returns, so the
 * models a node loaded stay locked in the worker's cache exactly while it runs.
 */
import type {
  ContextHooks,
  ContextHost,
  CredentialAccess,
  ImageStore,
  InvocationInfo,
  ModelLoader,
  NetworkPolicy,
  NodeContext,
  NodeLogger,
} from '../../engine/node-context';
import { MemoryConditioningStore, MemoryTensorStore } from '../../nodes/sdk/memory-stores';

/** A model loader for one invocation; `release` ends what it holds. */
export interface InvocationModels extends ModelLoader {
  release?(): void;
}

export interface SessionContextHostOptions {
  readonly images: ImageStore;
  /** A loader shared by every invocation, or a factory of one loader per invocation. */
  readonly models: ModelLoader | (() => InvocationModels);
  readonly logger: NodeLogger;
  /** The run owner's stored credentials; nodes find no `ctx.credentials` without them. */
  readonly credentials?: CredentialAccess;
  /** Where URL-fetching nodes may connect; public addresses only when absent. */
  readonly network?: NetworkPolicy;
  /** Called with the run's results before the item is finished (to record the images they name). */
  readonly settle?: (results: unknown) => Promise<void>;
}

export class SessionContextHost implements ContextHost {
  // Tensors and conditioning live as long as the session, on the worker that runs it.
  private readonly tensors = new MemoryTensorStore();
  private readonly conditioning = new MemoryConditioningStore();
  private readonly loaders = new WeakMap<NodeContext, InvocationModels>();

  constructor(private readonly options: SessionContextHostOptions) {}

  createContext(invocation: InvocationInfo, hooks: ContextHooks): NodeContext {
    const models = typeof this.options.models === 'function' ? this.options.models() : this.options.models;
    const ctx: NodeContext = {
      invocation,
      images: this.options.images,
      tensors: this.tensors,
      conditioning: this.conditioning,
      models,
      ...(this.options.credentials ? { credentials: this.options.credentials } : {}),
      ...(this.options.network ? { network: this.options.network } : {}),
      signal: hooks.signal,
      progress: (update) => hooks.progress(update),
      logger: this.options.logger,
    };
    this.loaders.set(ctx, models);
    return ctx;
  }

  /** Makes what the results refer to last beyond the run. */
  settle(results: unknown): Promise<void> {
    return this.options.settle?.(results) ?? Promise.resolve();
  }

  releaseContext(ctx: NodeContext): void {
    this.loaders.get(ctx)?.release?.();
    this.loaders.delete(ctx);
  }
}
