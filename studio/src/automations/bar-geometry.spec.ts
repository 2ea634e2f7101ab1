import { MIN_SEGMENT, scaleTicks, stackedBars } from './bar-geometry';

type Hour = 'succeeded' | 'failed' | 'other';
const KEYS: readonly Hour[] = ['succeeded', 'failed', 'other'];

describe('stacked bar geometry', () => {
  it('lays 24 hourly columns across the width with their gaps', () => {
    const hours = Array.from({ length: 24 }, () => ({ succeeded: 1, failed: 0, other: 0 }));
    const { columns } = stackedBars(hours, KEYS, { width: 120, height: 20, gap: 1 });
    expect(columns.length).toBe(24);
    expect(columns[0]!.x).toBe(0);
    const last = columns[23]!;
    expect(last.x + last.width).toBeCloseTo(120, 6);
    expect(columns[1]!.x - (columns[0]!.x + columns[0]!.width)).toBeCloseTo(1, 6);
  });

  it('scales the fullest column to the height and stacks failures above successes', () => {
    const { columns, max } = stackedBars<Hour>([{ succeeded: 2, failed: 2 }, { succeeded: 1 }, {}], KEYS, { width: 30, height: 40, gap: 0 });
    expect(max).toBe(4);
    const [full, half, empty] = columns;
    expect(full!.segments.map((segment) => segment.key)).toEqual(['succeeded', 'failed']);
    expect(full!.segments[0]!).toEqual(jasmine.objectContaining({ y: 20, height: 20 }));
    expect(full!.segments[1]!).toEqual(jasmine.objectContaining({ y: 0, height: 20 }));
    expect(half!.segments[0]!).toEqual(jasmine.objectContaining({ y: 30, height: 10 }));
    expect(empty!.segments).toEqual([]);
    expect(empty!.total).toBe(0);
  });

  it('keeps a single failure among many visible, and never draws above the top', () => {
    const { columns } = stackedBars<Hour>([{ succeeded: 1000, failed: 1 }], KEYS, { width: 10, height: 20, gap: 0 });
    const failed = columns[0]!.segments.find((segment) => segment.key === 'failed')!;
    expect(failed.height).toBeGreaterThanOrEqual(MIN_SEGMENT - 1e-9);
    expect(failed.y).toBeGreaterThanOrEqual(0);
  });

  it('ignores negative, missing and non-numeric counts, and draws nothing for no columns', () => {
    const { columns, max } = stackedBars<Hour>([{ succeeded: -3, failed: Number.NaN }], KEYS, { width: 10, height: 10, gap: 0 });
    expect(max).toBe(0);
    expect(columns[0]!.segments).toEqual([]);
    expect(stackedBars([], KEYS, { width: 10, height: 10, gap: 0 }).columns).toEqual([]);
  });

  it('picks round, evenly spaced whole-count scale lines reaching the largest count', () => {
    expect(scaleTicks(0)).toEqual([0]);
    expect(scaleTicks(1)).toEqual([0, 1]);
    expect(scaleTicks(3)).toEqual([0, 1, 2, 3]);
    expect(scaleTicks(9)).toEqual([0, 5, 10]);
    expect(scaleTicks(100)).toEqual([0, 50, 100]);
    expect(scaleTicks(1234)).toEqual([0, 500, 1000, 1500]);
  });

  it('centres a bar narrower than its slot, and scales to a top above the largest count', () => {
    const { columns } = stackedBars<Hour>([{ succeeded: 5 }, { succeeded: 10 }], KEYS, { width: 210, height: 100, gap: 10, maxBarWidth: 40, top: 20 });
    expect(columns[0]!.slot).toEqual({ x: 0, width: 100 });
    expect(columns[1]!.slot.x).toBe(110);
    expect(columns[0]!.x).toBe(30);
    expect(columns[0]!.width).toBe(40);
    expect(columns[1]!.segments[0]!).toEqual(jasmine.objectContaining({ y: 50, height: 50 }));
  });
});
