/**
 * What backs a node's context when the platform runs a queue item: the owner's image store,
 * this session's tensors and conditioning, the worker's models, and the broker's logger.
 */
import type {
  ContextHooks,
  ContextHost,
  ImageStore,
  InvocationInfo,
  ModelLoader,
  NodeContext,
  NodeLogger,
} from '../../engine/node-context';
import { MemoryConditioningStore, MemoryTensorStore } from '../../nodes/sdk/memory-stores';

export interface SessionContextHostOptions {
  readonly images: ImageStore;
  readonly models: ModelLoader;
  readonly logger: NodeLogger;
}

export class SessionContextHost implements ContextHost {
  // Tensors and conditioning live as long as the session, on the worker that runs it.
  private readonly tensors = new MemoryTensorStore();
  private readonly conditioning = new MemoryConditioningStore();

  constructor(private readonly options: SessionContextHostOptions) {}

  createContext(invocation: InvocationInfo, hooks: ContextHooks): NodeContext {
    return {
      invocation,
      images: this.options.images,
      tensors: this.tensors,
      conditioning: this.conditioning,
      models: this.options.models,
      signal: hooks.signal,
      progress: (update) => hooks.progress(update),
      logger: this.options.logger,
    };
  }
}
