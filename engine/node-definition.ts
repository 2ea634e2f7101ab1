/**
 * The node contract: what one node type declares, once, in one `<name>.node.ts` file
 * (CONVENTIONS §2). The SDK's `defineNode` builds these; the registry, the engine and the
 * catalogue read them.
 */
import type { InputSpecs, InputValues, OutputSpecs, OutputValues } from './fields/field-types';
import type { NodeContext } from './node-context';

export const NODE_CLASSIFICATIONS = ['stable', 'beta', 'prototype', 'deprecated'] as const;
export type NodeClassification = (typeof NODE_CLASSIFICATIONS)[number];

/** What a node needs to run, so the platform routes it to a worker that has it. */
export interface NodeNeeds {
  readonly gpu: boolean;
  /** Model types the node loads through `ctx.models` (e.g. `onnx`, `main`). */
  readonly models: readonly string[];
  readonly network: boolean;
}

/**
 * Engine-level roles. `iterate` fans its `collection` input out into one run of the downstream
 * nodes per item (outputs `item`, `index`, `total`); `collect` gathers its `item` input from every
 * such run into `collection`.
 */
export type NodeRole = 'iterate' | 'collect';

export interface NodeDefinition<I extends InputSpecs = InputSpecs, O extends OutputSpecs = OutputSpecs> {
  /** Stable id, never changed once published (`core.add`, `image.resize`). */
  readonly type: string;
  readonly title: string;
  /** User-facing text: what the node does, shown in the palette. */
  readonly description: string;
  readonly category: string;
  readonly tags: readonly string[];
  /** Semver; a breaking change is a new major version, and old ones stay loadable. */
  readonly version: string;
  readonly classification: NodeClassification;
  readonly inputs: I;
  readonly outputs: O;
  readonly needs: NodeNeeds;
  /** Whether identical inputs may reuse a cached result; the graph can turn it off per node. */
  readonly useCache: boolean;
  readonly role?: NodeRole;
  /**
   * For nodes with lazy inputs: given the resolved eager inputs, which lazy inputs to evaluate.
   * The branches feeding the others are never run (a lazy `if`).
   */
  readonly selectLazyInputs?: (eager: Readonly<Record<string, unknown>>) => readonly string[];
  invoke(inputs: InputValues<I>, ctx: NodeContext): Promise<OutputValues<O>> | OutputValues<O>;
}

/** A definition with its field types erased, as registries and graphs hold them. */
export type AnyNodeDefinition = NodeDefinition<InputSpecs, OutputSpecs>;
