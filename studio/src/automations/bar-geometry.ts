/**
 * Stacked bar geometry for the automation pages' plain-SVG charts: the list's sparkline (24 hourly
 * bars of a day's runs) and the history's runs per day. Columns of counts by key go in; rectangles
 * in the chart's own units come out, the first key at the bottom, scaled so the fullest column
 * fills the height. No drawing here: the components bind the numbers to <rect> attributes.
 */

export interface ChartBox {
  readonly width: number;
  readonly height: number;
  /** Space between two columns. */
  readonly gap: number;
  /** The widest a bar is drawn; a wider slot centres it. */
  readonly maxBarWidth?: number;
  /** The count at the top of the scale (a round number at or above the largest total); the largest total by default. */
  readonly top?: number;
}

export interface BarSegment<K extends string> {
  readonly key: K;
  readonly value: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface BarColumn<K extends string> {
  readonly index: number;
  /** The column's share of the width (for hover areas and labels). */
  readonly slot: { readonly x: number; readonly width: number };
  /** The bar within it. */
  readonly x: number;
  readonly width: number;
  readonly total: number;
  /** Bottom to top, only keys with a count. */
  readonly segments: readonly BarSegment<K>[];
}

export interface StackedBars<K extends string> {
  readonly columns: readonly BarColumn<K>[];
  /** The largest column total (the top of the scale); 0 when every column is empty. */
  readonly max: number;
}

/** A segment with any count is drawn at least this tall, so one failure among hundreds still shows. */
export const MIN_SEGMENT = 1.5;

export function stackedBars<K extends string>(counts: readonly Readonly<Partial<Record<K, number>>>[], keys: readonly K[], box: ChartBox): StackedBars<K> {
  const n = counts.length;
  if (n === 0) return { columns: [], max: 0 };
  const slot = Math.max(0, (box.width - box.gap * (n - 1)) / n);
  const width = Math.min(slot, box.maxBarWidth ?? slot);
  const totals = counts.map((column) => keys.reduce((sum, key) => sum + positive(column[key]), 0));
  const max = Math.max(0, ...totals);
  const top = Math.max(max, box.top ?? 0);
  const scale = top > 0 ? box.height / top : 0;
  const columns = counts.map((column, index): BarColumn<K> => {
    const slotX = index * (slot + box.gap);
    const x = slotX + (slot - width) / 2;
    const present = keys.map((key) => ({ key, value: positive(column[key]) })).filter((entry) => entry.value > 0);
    const heights = segmentHeights(present.map((entry) => entry.value), totals[index]! * scale, box.height);
    let top = box.height;
    const segments = present.map(({ key, value }, at): BarSegment<K> => {
      top -= heights[at]!;
      return { key, value, x, y: top, width, height: heights[at]! };
    });
    return { index, slot: { x: slotX, width: slot }, x, width, total: totals[index]!, segments };
  });
  return { columns, max };
}

/**
 * A chart's scale lines for counts up to `max`: whole numbers a round step apart (1, 2 or 5 times a
 * power of ten), at most five, the last at or above `max` (the top of the scale).
 */
export function scaleTicks(max: number): number[] {
  if (!(max > 0)) return [0];
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = Math.max(1, [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough)!);
  const ticks: number[] = [];
  for (let value = 0; value < max + step; value += step) ticks.push(value);
  return ticks;
}

/**
 * Each segment's height in a column `columnHeight` tall: proportional to its value, except that a
 * segment too small to see gets MIN_SEGMENT, taken from the others so the column keeps its height
 * (and never passes `limit`).
 */
function segmentHeights(values: readonly number[], columnHeight: number, limit: number): number[] {
  const total = values.reduce((sum, value) => sum + value, 0);
  const height = Math.min(limit, Math.max(columnHeight, MIN_SEGMENT * values.length));
  const small = values.map((value) => (value / total) * height < MIN_SEGMENT);
  const reserved = small.filter(Boolean).length * MIN_SEGMENT;
  const rest = values.reduce((sum, value, at) => sum + (small[at] ? 0 : value), 0);
  return values.map((value, at) => (small[at] ? Math.min(MIN_SEGMENT, height / values.length) : ((height - reserved) * value) / rest));
}

function positive(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}
