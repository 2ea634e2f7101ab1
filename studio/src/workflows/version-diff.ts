/**
 * How the Versions panel reads a diff of two workflow graphs (GET /workflows/:id/versions/:a/diff/:b,
 * engine/graph/graph-diff.ts): nodes and edges named as a person sees them on the canvas (its
 * label, else the catalogue's title, with the id only where two nodes would read alike), each
 * changed input by its field title with its old and new value cut to one short line, and the
 * whole value kept to expand where the line does not show all of it.
 */
import type { FieldChange, GraphDiff, NodeChange } from '../core/api-types';
import type { CatalogueEntry } from './workflow-graph';
import { compact, truncate } from './workflow-outputs';

/** What is known of a node from either side of the diff (or the canvas): enough to name it. */
export interface NodeInfo {
  readonly type: string;
  readonly label?: string;
}

/** One value, short enough for a line; `full` is the whole of it when the line is cut. */
export interface ShortValue {
  readonly text: string;
  readonly full?: string;
}

export interface FieldRow {
  readonly field: string;
  /** The input's title from the catalogue, else the field's name. */
  readonly title: string;
  readonly change: FieldChange['change'];
  readonly before?: ShortValue;
  readonly after?: ShortValue;
}

export interface NamedNode {
  readonly id: string;
  readonly name: string;
}

export interface ChangedNode extends NamedNode {
  readonly rows: readonly FieldRow[];
}

export interface DiffView {
  readonly empty: boolean;
  /** One line: "1 node changed, 1 connection added". */
  readonly summary: string;
  readonly added: readonly NamedNode[];
  readonly removed: readonly NamedNode[];
  readonly changed: readonly ChangedNode[];
  /** "Resize.Image → Save.Image" */
  readonly edgesAdded: readonly string[];
  readonly edgesRemoved: readonly string[];
}

/** The longest value a diff line shows before it is cut. */
export const VALUE_MAX = 48;

const PROPERTY_TITLES: Readonly<Record<'type' | 'version' | 'label' | 'useCache', string>> = {
  type: 'Node type',
  version: 'Node version',
  label: 'Label',
  useCache: 'Use cache',
};

/** A value as one short line: text quoted, numbers as numbers, images and refs by name, JSON compacted. */
export function shortValue(value: unknown): ShortValue {
  if (value === null || value === undefined) return { text: 'none' };
  if (typeof value === 'string') {
    const line = value.replace(/\s+/g, ' ');
    const text = `“${truncate(line, VALUE_MAX - 2)}”`;
    return line.length > VALUE_MAX - 2 || line !== value ? { text, full: value } : { text };
  }
  const line = compact(value);
  const text = truncate(line, VALUE_MAX);
  // compact() abbreviates deep values with an ellipsis too: then the line is not the whole value either.
  return text !== line || (typeof value === 'object' && line.includes('…')) ? { text, full: JSON.stringify(value, null, 2) } : { text };
}

/**
 * Names for every node id: its label, else its type's title, else its type; where two nodes would
 * read the same, the id is added ("Integer (integer-2)").
 */
export function nodeNames(nodes: ReadonlyMap<string, NodeInfo>, catalogue: ReadonlyMap<string, CatalogueEntry>): (id: string) => string {
  const base = (id: string): string => {
    const info = nodes.get(id);
    if (!info) return id;
    return info.label?.trim() || catalogue.get(info.type)?.title || info.type;
  };
  const counts = new Map<string, number>();
  for (const id of nodes.keys()) counts.set(base(id), (counts.get(base(id)) ?? 0) + 1);
  return (id) => {
    const name = base(id);
    return name !== id && (counts.get(name) ?? 0) > 1 ? `${name} (${id})` : name;
  };
}

/**
 * The diff as the panel lists it. `nodes` names the nodes of both graphs (and the canvas's, for
 * nodes the diff only gives an id); the diff's own added and removed nodes are known by type.
 */
export function describeDiff(diff: GraphDiff, nodes: ReadonlyMap<string, NodeInfo>, catalogue: ReadonlyMap<string, CatalogueEntry>): DiffView {
  const known = new Map(nodes);
  for (const node of [...diff.nodesAdded, ...diff.nodesRemoved]) if (!known.has(node.id)) known.set(node.id, { type: node.type });
  const name = nodeNames(known, catalogue);
  const entryOf = (id: string) => catalogue.get(known.get(id)?.type ?? '');
  const inputTitle = (id: string, field: string) => entryOf(id)?.inputs.find((input) => input.name === field)?.title ?? field;
  const outputTitle = (id: string, field: string) => entryOf(id)?.outputs.find((output) => output.name === field)?.title ?? field;

  const changed = diff.nodesChanged.map((change) => ({ id: change.id, name: name(change.id), rows: [...propertyRows(change), ...change.fields.map((field) => fieldRow(field, inputTitle(change.id, field.field)))] }));
  const edge = (edge: GraphDiff['edgesAdded'][number]) =>
    `${name(edge.source.nodeId)}.${outputTitle(edge.source.nodeId, edge.source.field)} → ${name(edge.destination.nodeId)}.${inputTitle(edge.destination.nodeId, edge.destination.field)}`;
  const view = {
    added: diff.nodesAdded.map((node) => ({ id: node.id, name: name(node.id) })),
    removed: diff.nodesRemoved.map((node) => ({ id: node.id, name: name(node.id) })),
    changed,
    edgesAdded: diff.edgesAdded.map(edge),
    edgesRemoved: diff.edgesRemoved.map(edge),
  };
  const parts = [
    count(view.added.length, 'node', 'added'),
    count(view.removed.length, 'node', 'removed'),
    count(view.changed.length, 'node', 'changed'),
    count(view.edgesAdded.length, 'connection', 'added'),
    count(view.edgesRemoved.length, 'connection', 'removed'),
  ].filter((part) => part !== '');
  return { ...view, empty: parts.length === 0, summary: parts.length === 0 ? 'No changes' : parts.join(', ') };
}

function propertyRows(change: NodeChange): FieldRow[] {
  const rows: FieldRow[] = [];
  for (const key of ['type', 'version', 'label', 'useCache'] as const) {
    const values = change[key];
    if (!values) continue;
    rows.push({ field: key, title: PROPERTY_TITLES[key], change: 'changed', before: shortValue(values.before), after: shortValue(values.after) });
  }
  return rows;
}

function fieldRow(field: FieldChange, title: string): FieldRow {
  switch (field.change) {
    case 'added':
      return { field: field.field, title, change: 'added', after: shortValue(field.after) };
    case 'removed':
      return { field: field.field, title, change: 'removed', before: shortValue(field.before) };
    case 'changed':
      return { field: field.field, title, change: 'changed', before: shortValue(field.before), after: shortValue(field.after) };
  }
}

function count(n: number, noun: string, verb: string): string {
  return n === 0 ? '' : `${n} ${noun}${n === 1 ? '' : 's'} ${verb}`;
}
