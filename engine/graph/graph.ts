/**
 * The graph a user draws: nodes with typed inputs, and edges from an output of one node to an
 * input of another. Plain JSON, as the studio saves it and the API receives it.
 */

export interface GraphNode {
  /** Unique within the graph. */
  readonly id: string;
  /** The node type id (`core.add`). */
  readonly type: string;
  /** The node type version the graph was made with; the newest of the same major runs it. */
  readonly version?: string;
  /** Values typed into the node, by input name. Connected inputs take the edge's value. */
  readonly inputs?: Readonly<Record<string, unknown>>;
  /** Overrides the type's `useCache` for this node. */
  readonly useCache?: boolean;
  readonly label?: string;
}

export interface EdgeEnd {
  readonly nodeId: string;
  readonly field: string;
}

export interface GraphEdge {
  readonly source: EdgeEnd;
  readonly destination: EdgeEnd;
}

export interface Graph {
  readonly id?: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}
