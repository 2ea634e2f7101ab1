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

  it('picks whole-count scale lines', () => {
    expect(scaleTicks(0)).toEqual([0]);
    expect(scaleTicks(1)).toEqual([0, 1]);
    expect(scaleTicks(9)).toEqual([0, 5, 9]);
  });
});
