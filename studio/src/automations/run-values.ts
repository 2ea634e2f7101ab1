/**
 * What the run detail shows of each node: its inputs (what was typed into the version's graph,
 * and for a connected input the upstream node's output in this run, named by node and field) and
 * its outputs, each value pretty-printed, and which image names can be drawn (those the platform
 * kept; an inline run's working images live only while it runs).
 */
import type { AutomationRun, RunNodeSummary, WorkflowVersion } from '../core/api-types';
import type { CatalogueEntry } from '../workflows/workflow-graph';

type Graph = WorkflowVersion['graph'];

export interface ValueRow {
  readonly field: string;
  /** The field's title from the catalogue, else its name. */
  readonly title: string;
  /** For a connected input: "Resize · Image". */
  readonly from?: string;
  /** Whether the run kept the value (an output the upstream node gave, or a typed value). */
  readonly known: boolean;
  readonly value: unknown;
  /** JSON, pretty-printed; a string as it is. */
  readonly text: string;
  /** Image names in the value. */
  readonly images: readonly string[];
  /** For a value that is one image reference and nothing more: "Image 16×8", to show where the picture cannot be. */
  readonly image?: string;
}

/** JSON pretty-printed, with plain strings shown as they are. */
export function prettyValue(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Image names anywhere in a value (`{ imageName }`, alone or nested). */
export function imageNames(value: unknown, depth = 0): string[] {
  if (depth > 5 || typeof value !== 'object' || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((item) => imageNames(item, depth + 1));
  const record = value as Record<string, unknown>;
  if (typeof record['imageName'] === 'string') return [record['imageName']];
  return Object.values(record).flatMap((item) => imageNames(item, depth + 1));
}

/** One output of a node's recorded outputs (one record, or one per iteration: the first that has it). */
function outputOf(node: RunNodeSummary | undefined, field: string): { found: boolean; value?: unknown } {
  const outputs = node?.outputs;
  const records = Array.isArray(outputs) ? outputs : [outputs];
  for (const record of records) {
    if (typeof record === 'object' && record !== null && Object.hasOwn(record, field)) return { found: true, value: (record as Record<string, unknown>)[field] };
  }
  return { found: false };
}

const IMAGE_KEYS = new Set(['imageName', 'width', 'height', 'format', 'mode']);

/** "Image 16×8" for a value that is an image reference alone, else undefined. */
export function imageLabel(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record['imageName'] !== 'string' || Object.keys(record).some((key) => !IMAGE_KEYS.has(key))) return undefined;
  const { width, height } = record;
  return typeof width === 'number' && typeof height === 'number' ? `Image ${width}×${height}` : 'Image';
}

function row(field: string, title: string, value: unknown, known: boolean, from?: string): ValueRow {
  const image = known ? imageLabel(value) : undefined;
  return { field, title, known, value, text: known ? prettyValue(value) : 'not kept', images: known ? imageNames(value) : [], ...(image ? { image } : {}), ...(from ? { from } : {}) };
}

/**
 * A node's inputs in this run: its typed values from the graph and, for each connected input, what
 * the upstream node gave. Hidden inputs (a trigger's payload, shown as the run's input) are left out.
 */
export function nodeInputs(nodeId: string, graph: Graph, run: Pick<AutomationRun, 'nodes'>, catalogue: ReadonlyMap<string, CatalogueEntry>, name: (id: string) => string): ValueRow[] {
  const node = graph.nodes.find((each) => each.id === nodeId);
  if (!node) return [];
  const entry = catalogue.get(node.type);
  const title = (field: string) => entry?.inputs.find((input) => input.name === field)?.title ?? field;
  const hidden = new Set(entry?.inputs.filter((input) => input.ui?.hidden).map((input) => input.name) ?? []);
  const order = new Map(entry?.inputs.map((input, index) => [input.name, index]) ?? []);
  const rows = new Map<string, ValueRow>();
  for (const [field, value] of Object.entries(node.inputs ?? {})) if (!hidden.has(field)) rows.set(field, row(field, title(field), value, true));
  const byId = new Map(run.nodes.map((each) => [each.nodeId, each]));
  for (const edge of graph.edges) {
    if (edge.destination.nodeId !== nodeId || hidden.has(edge.destination.field)) continue;
    const source = graph.nodes.find((each) => each.id === edge.source.nodeId);
    const outputTitle = catalogue.get(source?.type ?? '')?.outputs.find((output) => output.name === edge.source.field)?.title ?? edge.source.field;
    const given = outputOf(byId.get(edge.source.nodeId), edge.source.field);
    rows.set(edge.destination.field, row(edge.destination.field, title(edge.destination.field), given.value, given.found, `${name(edge.source.nodeId)} · ${outputTitle}`));
  }
  return [...rows.values()].sort((a, b) => (order.get(a.field) ?? Number.MAX_SAFE_INTEGER) - (order.get(b.field) ?? Number.MAX_SAFE_INTEGER));
}

/** A node's recorded outputs, in the catalogue's order. */
export function nodeOutputs(node: RunNodeSummary, catalogue: ReadonlyMap<string, CatalogueEntry>): ValueRow[] {
  const entry = catalogue.get(node.type);
  const outputs = node.outputs;
  if (outputs === undefined) return [];
  if (typeof outputs !== 'object' || outputs === null || Array.isArray(outputs) || (outputs as { truncated?: unknown }).truncated === true) {
    return [row('', 'All outputs', outputs, true)];
  }
  const record = outputs as Record<string, unknown>;
  const order = new Map(entry?.outputs.map((output, index) => [output.name, index]) ?? []);
  return Object.keys(record)
    .sort((a, b) => (order.get(a) ?? Number.MAX_SAFE_INTEGER) - (order.get(b) ?? Number.MAX_SAFE_INTEGER))
    .map((field) => row(field, entry?.outputs.find((output) => output.name === field)?.title ?? field, record[field], true));
}

/**
 * Which image names the page can draw: a queued run's images were saved; an inline run's were
 * working images, gone when it ended, except the response's when the run kept it.
 */
export function drawableImages(run: Pick<AutomationRun, 'mode' | 'output'>): (imageName: string) => boolean {
  if (run.mode === 'queue') return () => true;
  const kept = run.output?.image?.kept ? run.output.image.imageName : null;
  return (imageName) => imageName === kept;
}
