/**
 * How the Workflows page shows a node's outputs after a run: one row per output field, with a
 * compact one-line summary (truncated) and, for lists and objects or long text, the full value to
 * expand. Images are listed by name so the page can draw them; tensor, latents and conditioning
 * references show as their kind and stored name.
 */
import type { CatalogueField } from './workflow-graph';

export type OutputKind = 'image' | 'ref' | 'number' | 'string' | 'boolean' | 'list' | 'object' | 'empty';

export interface OutputView {
  /** The output field's name (or `#n name` for the n-th iteration of a node that ran several times). */
  readonly name: string;
  readonly kind: OutputKind;
  /** One line, at most SUMMARY_MAX characters. */
  readonly summary: string;
  /** The whole value, pretty-printed, when the summary does not show all of it. */
  readonly full?: string;
  /** Image names anywhere in the value, to be drawn. */
  readonly images: readonly string[];
}

export const SUMMARY_MAX = 80;
const FULL_MAX = 20_000;
const REF_KINDS: Readonly<Record<string, string>> = { tensorName: 'tensor', conditioningName: 'conditioning' };
const REF_FIELD_KINDS = new Set(['latents', 'tensor', 'conditioning', 'noise', 'mask']);

/** Cuts text to `max` characters, ending in an ellipsis when it was longer. */
export function truncate(text: string, max = SUMMARY_MAX): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** The reference a value is (`{ tensorName }`, `{ conditioningName }`), as its kind and name. */
function refOf(value: unknown, fieldKind?: string): { kind: string; name: string } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  for (const [key, kind] of Object.entries(REF_KINDS)) {
    if (typeof record[key] === 'string') return { kind: fieldKind && REF_FIELD_KINDS.has(fieldKind) ? fieldKind : kind, name: record[key] };
  }
  return undefined;
}

function isImage(value: unknown): value is { imageName: string } {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)['imageName'] === 'string';
}

/** A short, single-line rendering of any JSON value: refs and images by name, numbers rounded. */
export function compact(value: unknown, fieldKind?: string, depth = 0): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return depth === 0 ? value.replace(/\s+/g, ' ') : JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (isImage(value)) return `image ${value.imageName}`;
  const ref = refOf(value, fieldKind);
  if (ref) return `${ref.kind} ${ref.name}`;
  if (depth > 2) return Array.isArray(value) ? `[…${value.length}]` : '{…}';
  if (Array.isArray(value)) return `[${value.map((item) => compact(item, fieldKind, depth + 1)).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([key, item]) => `${key}: ${compact(item, undefined, depth + 1)}`)
      .join(', ')}}`;
  }
  return String(value);
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-4 || abs >= 1e9) ? value.toExponential(4) : String(Number(value.toPrecision(6)));
}

/** Image names anywhere in a value (`{ imageName }`, alone or in lists and records). */
export function imagesIn(value: unknown, depth = 0): string[] {
  if (depth > 4 || typeof value !== 'object' || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((item) => imagesIn(item, depth + 1));
  if (isImage(value)) return [value.imageName];
  return Object.values(value as Record<string, unknown>).flatMap((item) => imagesIn(item, depth + 1));
}

/** How one output value shows. */
export function describeValue(name: string, value: unknown, fieldKind?: string): OutputView {
  const images = imagesIn(value);
  const summaryOf = (text: string) => truncate(text);
  let kind: OutputKind;
  if (value === null || value === undefined) kind = 'empty';
  else if (isImage(value)) kind = 'image';
  else if (refOf(value, fieldKind)) kind = 'ref';
  else if (Array.isArray(value)) kind = 'list';
  else if (typeof value === 'object') kind = 'object';
  else kind = typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'string';

  const text = compact(value, fieldKind);
  const summary = kind === 'list' ? summaryOf(`${(value as unknown[]).length} × ${text}`) : summaryOf(text);
  const structured = kind === 'list' || kind === 'object';
  const shown = kind === 'list' ? text.length + `${(value as unknown[]).length} × `.length : text.length;
  const needsFull = (structured && (shown > SUMMARY_MAX || text.includes('…'))) || (kind === 'string' && (shown > SUMMARY_MAX || /\n/.test(value as string)));
  const full = needsFull ? truncate(kind === 'string' ? (value as string) : JSON.stringify(value, null, 2), FULL_MAX) : undefined;
  return { name, kind, summary, images, ...(full !== undefined ? { full } : {}) };
}

/**
 * A node's outputs as rows. `outputs` is one record (an event's outputs) or a list of records (a
 * queue item's `results.outputs[nodeId]`, one per iteration); `fields` are the catalogue's output
 * fields, for their order and kinds.
 */
export function describeOutputs(outputs: unknown, fields: readonly CatalogueField[] = []): OutputView[] {
  if (Array.isArray(outputs)) {
    if (outputs.length === 1) return describeOutputs(outputs[0], fields);
    return outputs.flatMap((each, index) => describeOutputs(each, fields).map((view) => ({ ...view, name: `#${index + 1} ${view.name}` })));
  }
  if (typeof outputs !== 'object' || outputs === null) return [];
  const record = outputs as Record<string, unknown>;
  const order = new Map(fields.map((field, index) => [field.name, index]));
  const kinds = new Map(fields.map((field) => [field.name, field.kind as string]));
  return Object.keys(record)
    .sort((a, b) => (order.get(a) ?? Number.MAX_SAFE_INTEGER) - (order.get(b) ?? Number.MAX_SAFE_INTEGER))
    .map((name) => describeValue(name, record[name], kinds.get(name)));
}
