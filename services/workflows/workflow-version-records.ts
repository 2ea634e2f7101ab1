/**
 * A workflow's published versions by use case. The workflow row is the editable draft; a version
 * is an immutable copy of it, numbered 1, 2, … per workflow. Every method is scoped by the
 * workflow's owner: another user's workflow has no versions to see. Types only, so the studio can
 * import them (CONVENTIONS §17).
 */
import type { GraphDiff } from '../../engine/graph/graph-diff';
import type { Graph } from '../../engine/graph/graph';
import type { Page, PageRequest } from '../kernel/page';

/** A node type a published graph uses, and the versions it was validated against. */
export interface PackVersion {
  readonly type: string;
  /** The version of the node type's definition that validated the node. */
  readonly nodeVersion: string;
  readonly pack: string;
  readonly packVersion: string;
}

/** A version as the history lists it: no graph, layout or packs. */
export interface WorkflowVersionSummary {
  readonly workflowId: string;
  readonly version: number;
  /** Who published it; null once that account is gone. */
  readonly authorId: string | null;
  readonly note: string;
  readonly createdAt: string;
}

export interface WorkflowVersion extends WorkflowVersionSummary {
  readonly graph: Graph;
  readonly layout: unknown;
  readonly packs: readonly PackVersion[];
}

/** What publishing adds to the draft's graph and layout. */
export interface VersionStamp {
  readonly note: string;
  readonly packs: readonly PackVersion[];
}

/** What `GET /workflows/:id/versions/:a/diff/:b` answers. */
export interface WorkflowVersionDiff extends GraphDiff {
  readonly from: number;
  readonly to: number | 'draft';
}

export interface WorkflowVersionRecords {
  /**
   * Locks the draft, hands its graph to `stamp` (which throws to refuse it) and stores the draft's
   * graph and layout as the next version; undefined when the owner has no such workflow. Two
   * publishes of one workflow run one after the other, so each gets a number of its own.
   */
  publish(ownerId: string, workflowId: string, authorId: string, stamp: (graph: Graph) => VersionStamp): Promise<WorkflowVersion | undefined>;
  find(ownerId: string, workflowId: string, version: number): Promise<WorkflowVersion | undefined>;
  /** Newest first. */
  list(ownerId: string, workflowId: string, page: PageRequest): Promise<Page<WorkflowVersionSummary>>;
}
