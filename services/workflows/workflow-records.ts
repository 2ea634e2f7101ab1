/**
 * The workflow library by use case: a user's saved graphs with the editor's layout. Every method
 * is scoped by owner; another user's workflow is answered as missing.
 */
import type { Graph } from '../../engine/graph/graph';
import type { Page, PageRequest } from '../kernel/page';

/** A workflow as lists show it: no graph or layout. */
export interface WorkflowSummary {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface Workflow extends WorkflowSummary {
  readonly graph: Graph;
  /** The editor's node positions, zoom and the like; opaque to the server. */
  readonly layout: unknown;
}

export interface WorkflowContent {
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly graph: Graph;
  readonly layout: unknown;
}

/** The body of `POST /workflows` and `PATCH /workflows/:id`, as a client sends it (workflow-input.ts reads it). */
export interface WorkflowFields {
  readonly name?: string | null;
  readonly description?: string | null;
  readonly tags?: readonly string[] | null;
  readonly graph?: unknown;
  readonly layout?: unknown;
}

export interface WorkflowFilter {
  /** Matched case-insensitively against name and description. */
  readonly search?: string;
  /** Workflows carrying every one of these tags. */
  readonly tags: readonly string[];
}

export interface WorkflowRecords {
  create(ownerId: string, content: WorkflowContent): Promise<Workflow>;
  find(ownerId: string, id: string): Promise<Workflow | undefined>;
  /** Most recently changed first. */
  list(ownerId: string, filter: WorkflowFilter, page: PageRequest): Promise<Page<WorkflowSummary>>;
  update(ownerId: string, id: string, changes: Partial<WorkflowContent>): Promise<Workflow | undefined>;
  delete(ownerId: string, id: string): Promise<boolean>;
}
