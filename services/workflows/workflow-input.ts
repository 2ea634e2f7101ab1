/**
 * What a workflow must look like before it is stored: a graph shaped like one (nodes and edges,
 * checked by the engine's shape check, every problem reported at once) and tidy tags. Whether
 * the nodes exist and connect is for validation at run time: a saved workflow may be a draft.
 */
import { GraphValidationError } from '../../engine/errors';
import { checkGraphShape } from '../../engine/graph/graph-shape';
import type { Graph } from '../../engine/graph/graph';
import { InvalidInputError } from '../kernel/service-errors';
import type { WorkflowContent, WorkflowFields } from './workflow-records';

export const MAX_TAGS = 20;
export const MAX_TAG_LENGTH = 50;

/** The graph, or GraphValidationError with each issue's field under `graph.`. */
export function checkWorkflowGraph(candidate: unknown): Graph {
  const issues = checkGraphShape(candidate);
  if (issues.length > 0) {
    throw new GraphValidationError(issues.map((issue) => ({ ...issue, field: issue.field ? `graph.${issue.field}` : 'graph' })));
  }
  return candidate as Graph;
}

/** Tags trimmed, lower-cased and without repeats, so filtering by tag is predictable. */
export function normalizeTags(tags: readonly string[]): string[] {
  const normalized = [...new Set(tags.map((tag) => tag.trim().toLowerCase()))];
  const bad = normalized.find((tag) => tag === '' || tag.length > MAX_TAG_LENGTH || tag.includes(','));
  if (bad !== undefined) {
    throw new InvalidInputError([{ code: 'invalid_tag', field: 'tags', message: `each tag must be 1 to ${MAX_TAG_LENGTH} characters without commas ("${bad}" is not)` }]);
  }
  if (normalized.length > MAX_TAGS) throw new InvalidInputError([{ code: 'too_many_tags', field: 'tags', message: `a workflow may have at most ${MAX_TAGS} tags` }]);
  return normalized;
}

/** `text` for an ILIKE pattern that matches it literally, anywhere. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

export type { WorkflowFields };

/**
 * The content of a new workflow, or (`partial`) the changes to one: at least one field, and
 * null only for the layout (the validator lets null through for optional fields).
 */
export function readWorkflowFields(fields: WorkflowFields, partial: true): Partial<WorkflowContent>;
export function readWorkflowFields(fields: WorkflowFields, partial: false): WorkflowContent;
export function readWorkflowFields(fields: WorkflowFields, partial: boolean): Partial<WorkflowContent> {
  const nulls = (['name', 'tags', 'graph'] as const).filter((key) => fields[key] === null);
  if (nulls.length > 0) throw new InvalidInputError(nulls.map((field) => ({ code: 'required', field, message: `${field} cannot be null` })));
  const content: { -readonly [K in keyof WorkflowContent]?: WorkflowContent[K] } = {};
  if (fields.name != null) content.name = fields.name;
  if (fields.description !== undefined || !partial) content.description = fields.description ?? '';
  if (fields.tags != null || !partial) content.tags = normalizeTags(fields.tags ?? []);
  if (fields.graph !== undefined) content.graph = checkWorkflowGraph(fields.graph);
  if (fields.layout !== undefined || !partial) content.layout = fields.layout ?? null;
  if (partial && Object.keys(content).length === 0) {
    throw new InvalidInputError([{ code: 'no_changes', message: 'give at least one of name, description, tags, graph or layout to change' }]);
  }
  return content;
}
