/**
 * The editor's model as plain data, with no Rete or Angular in it: the node catalogue's shape
 * (GET /api/v1/nodes, engine/catalogue.ts), which sockets connect (the engine's own rule, from
 * engine/fields/type-compat.ts), which widget an input gets, and the conversion between the
 * editor's nodes and edges and the engine's graph JSON with node positions under `ui`.
 */
import type { CatalogueEntry, CatalogueField, CatalogueInput } from '../../../engine/catalogue';
import type { FieldKind, UiHints, Widget } from '../../../engine/fields/field-types';
import { checkConnection, type Compatibility } from '../../../engine/fields/type-compat';
import type { EdgeEnd, Graph, GraphEdge } from '../../../engine/graph/graph';

export type { CatalogueEntry, CatalogueField, CatalogueInput, FieldKind, UiHints, Widget, Compatibility };

/** Socket colours by field kind; the legend and the sockets read the same table. */
export const KIND_COLOURS: Readonly<Record<FieldKind, string>> = {
  integer: '#5fb3ff',
  float: '#3fd0c9',
  string: '#f0c05a',
  boolean: '#e57373',
  enum: '#c792ea',
  color: '#ff8fb8',
  image: '#9ccc65',
  latents: '#ff9f43',
  tensor: '#d4a373',
  conditioning: '#7986cb',
  model: '#b0bec5',
  any: '#eeeeee',
};

/** The enum options a field's schema lists (for collections, its items'). */
export function enumOptions(field: CatalogueField): readonly string[] | undefined {
  const schema = field.schema;
  const direct = schema['enum'];
  if (Array.isArray(direct)) return direct as string[];
  const items = schema['items'] as { enum?: unknown } | undefined;
  if (items && Array.isArray(items.enum)) return items.enum as string[];
  const anyOf = schema['anyOf'];
  if (Array.isArray(anyOf)) {
    for (const part of anyOf as { enum?: unknown }[]) if (Array.isArray(part.enum)) return part.enum as string[];
  }
  return undefined;
}

/** Whether an output may feed an input, by the engine's rule; a typed-only input takes no edge. */
export function checkFields(source: CatalogueField, target: CatalogueInput): Compatibility {
  if (target.input === 'direct') return { ok: false, reason: `${target.title} takes a typed value, not a connection` };
  const sourceOptions = enumOptions(source);
  const targetOptions = enumOptions(target);
  return checkConnection(
    { kind: source.kind, cardinality: source.cardinality, ...(sourceOptions ? { options: sourceOptions } : {}) },
    { kind: target.kind, cardinality: target.cardinality, ...(targetOptions ? { options: targetOptions } : {}) },
  );
}

/** Inputs that take a socket (connection or either); hidden ones (a trigger's payload, set by the platform) take none. */
export function socketInputs(entry: CatalogueEntry): CatalogueInput[] {
  return entry.inputs.filter((input) => input.input !== 'direct' && !input.ui?.hidden);
}

/** Inputs the inspector edits: typed values, not hidden, and with a widget to type them in. */
export function directInputs(entry: CatalogueEntry): CatalogueInput[] {
  return entry.inputs.filter((input) => input.input !== 'connection' && !input.ui?.hidden && widgetFor(input) !== 'none');
}

/** The widget a hint asks for, else the natural one for the kind. */
export function widgetFor(input: CatalogueInput): Widget {
  if (input.ui?.widget) return input.ui.widget;
  if (input.cardinality !== 'single') return 'none';
  switch (input.kind) {
    case 'integer':
    case 'float':
      return input.ui?.slider ? 'slider' : 'number';
    case 'string':
      return input.ui?.multiline ? 'textarea' : 'text';
    case 'boolean':
      return 'checkbox';
    case 'enum':
      return 'select';
    case 'color':
      return 'color';
    case 'image':
      return 'image';
    case 'model':
      return 'model';
    default:
      return 'none';
  }
}

/** Numeric bounds from the field's schema and slider hint. */
export function numberBounds(input: CatalogueInput): { min?: number; max?: number; step: number } {
  const schema = input.schema;
  const min = typeof schema['minimum'] === 'number' ? schema['minimum'] : input.ui?.slider?.min;
  const max = typeof schema['maximum'] === 'number' ? schema['maximum'] : input.ui?.slider?.max;
  const step = input.ui?.slider?.step ?? (typeof schema['multipleOf'] === 'number' ? schema['multipleOf'] : input.kind === 'integer' ? 1 : 0.01);
  return { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}), step };
}

/** The values a new node starts with: each direct input's default. */
export function defaultInputs(entry: CatalogueEntry): Record<string, unknown> {
  return Object.fromEntries(entry.inputs.filter((input) => input.default !== undefined).map((input) => [input.name, input.default]));
}

export interface PaletteGroup {
  readonly category: string;
  readonly entries: readonly CatalogueEntry[];
}

/** The palette: entries matching the search (type, title, description, tags), grouped by category. */
export function paletteGroups(entries: readonly CatalogueEntry[], search: string): PaletteGroup[] {
  const needle = search.trim().toLowerCase();
  const groups = new Map<string, CatalogueEntry[]>();
  for (const entry of entries) {
    const haystack = [entry.type, entry.title, entry.description, entry.category, ...entry.tags];
    if (needle && !haystack.some((text) => text.toLowerCase().includes(needle))) continue;
    const list = groups.get(entry.category) ?? [];
    list.push(entry);
    groups.set(entry.category, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([category, list]) => ({ category, entries: list.sort((a, b) => a.title.localeCompare(b.title)) }));
}

/** Whether a saved node's version is older than the installed one (semver, numerically). */
export function isOutdated(saved: string | undefined, installed: string): boolean {
  if (!saved) return false;
  const a = saved.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const b = installed.split('.').map((part) => Number.parseInt(part, 10) || 0);
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const diff = (a[index] ?? 0) - (b[index] ?? 0);
    if (diff !== 0) return diff < 0;
  }
  return false;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** A node as the editor holds it, independent of Rete. */
export interface EditorNode {
  readonly id: string;
  readonly type: string;
  readonly version?: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly position: Point;
  readonly label?: string;
}

/** The engine's graph JSON, with the editor's node positions under `ui` (ignored by the engine). */
export type WorkflowGraphJson = Graph & { readonly ui?: { readonly positions: Readonly<Record<string, Point>> } };

/** The graph the engine runs; inputs fed by an edge are left out, as the edge's value wins. */
export function toGraphJson(nodes: readonly EditorNode[], edges: readonly GraphEdge[]): WorkflowGraphJson {
  const connected = new Set(edges.map((edge) => `${edge.destination.nodeId}\u0000${edge.destination.field}`));
  return {
    nodes: nodes.map((node) => {
      const inputs = Object.fromEntries(Object.entries(node.inputs).filter(([name, value]) => value !== undefined && !connected.has(`${node.id}\u0000${name}`)));
      return {
        id: node.id,
        type: node.type,
        ...(node.version ? { version: node.version } : {}),
        inputs,
        ...(node.label ? { label: node.label } : {}),
      };
    }),
    edges: edges.map((edge) => ({ source: { ...edge.source }, destination: { ...edge.destination } })),
    ui: { positions: Object.fromEntries(nodes.map((node) => [node.id, { x: Math.round(node.position.x), y: Math.round(node.position.y) }])) },
  };
}

export interface ParsedGraph {
  readonly nodes: EditorNode[];
  readonly edges: GraphEdge[];
  readonly problems: string[];
}

/**
 * Reads graph JSON (an export, or a library workflow's graph and layout) into editor nodes and edges.
 * Nodes without a stored position are laid out on a grid; malformed parts are reported, not fatal.
 */
export function fromGraphJson(json: unknown, layout?: unknown): ParsedGraph {
  const problems: string[] = [];
  if (!isRecord(json) || !Array.isArray(json['nodes'])) return { nodes: [], edges: [], problems: ['expected a graph with a `nodes` list'] };
  const positions = { ...readPositions(isRecord(json['ui']) ? json['ui'] : undefined), ...readPositions(layout) };
  const nodes: EditorNode[] = [];
  (json['nodes'] as unknown[]).forEach((candidate, index) => {
    if (!isRecord(candidate) || typeof candidate['id'] !== 'string' || typeof candidate['type'] !== 'string') {
      problems.push(`nodes[${index}] needs an id and a type`);
      return;
    }
    const id = candidate['id'];
    nodes.push({
      id,
      type: candidate['type'],
      ...(typeof candidate['version'] === 'string' ? { version: candidate['version'] } : {}),
      inputs: isRecord(candidate['inputs']) ? { ...candidate['inputs'] } : {},
      position: positions[id] ?? { x: (index % 6) * 260, y: Math.floor(index / 6) * 220 },
      ...(typeof candidate['label'] === 'string' ? { label: candidate['label'] } : {}),
    });
  });
  const ids = new Set(nodes.map((node) => node.id));
  const edges: GraphEdge[] = [];
  (Array.isArray(json['edges']) ? (json['edges'] as unknown[]) : []).forEach((candidate, index) => {
    const source = isRecord(candidate) ? readEnd(candidate['source']) : undefined;
    const destination = isRecord(candidate) ? readEnd(candidate['destination']) : undefined;
    if (!source || !destination) problems.push(`edges[${index}] needs a source and a destination {nodeId, field}`);
    else if (!ids.has(source.nodeId) || !ids.has(destination.nodeId)) problems.push(`edges[${index}] joins a node that is not in the graph`);
    else edges.push({ source, destination });
  });
  return { nodes, edges, problems };
}

function readPositions(layout: unknown): Record<string, Point> {
  if (!isRecord(layout) || !isRecord(layout['positions'])) return {};
  const result: Record<string, Point> = {};
  for (const [id, point] of Object.entries(layout['positions'])) {
    if (isRecord(point) && typeof point['x'] === 'number' && typeof point['y'] === 'number') result[id] = { x: point['x'], y: point['y'] };
  }
  return result;
}

function readEnd(value: unknown): EdgeEnd | undefined {
  return isRecord(value) && typeof value['nodeId'] === 'string' && typeof value['field'] === 'string' ? { nodeId: value['nodeId'], field: value['field'] } : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short, readable id for a new node of a type (`core.add` → `add-3`), unique among `taken`. */
export function nextNodeId(type: string, taken: ReadonlySet<string>): string {
  const base = (type.split('.').pop() ?? 'node').toLowerCase().replace(/[^a-z0-9]+/g, '-') || 'node';
  for (let index = 1; ; index++) {
    const id = `${base}-${index}`;
    if (!taken.has(id)) return id;
  }
}

/** Whether `to` is downstream of `from` along the links (a new link `to → from` would close a cycle). */
export function reaches(links: readonly { readonly source: string; readonly target: string }[], from: string, to: string): boolean {
  const next = new Map<string, string[]>();
  for (const link of links) next.set(link.source, [...(next.get(link.source) ?? []), link.target]);
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  return false;
}
