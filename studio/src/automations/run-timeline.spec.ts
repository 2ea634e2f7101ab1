import type { RunNodeSummary } from '../core/api-types';
import { formatMs, MIN_BAR, timeline } from './run-timeline';

const node = (nodeId: string, extra: Partial<RunNodeSummary> = {}): RunNodeSummary => ({ nodeId, type: 'core.add', status: 'completed', ...extra });
const names: Record<string, string> = { hook: 'Webhook Trigger', resize: 'Resize', respond: 'Respond to Webhook', spare: 'Spare' };
const name = (id: string) => names[id] ?? id;

describe('run timeline', () => {
  it('places each bar by its start and length within the run, named not by id', () => {
    const view = timeline([node('respond', { startedMs: 150, durationMs: 50 }), node('hook', { startedMs: 0, durationMs: 50 }), node('resize', { startedMs: 50, durationMs: 100 })], name, 200);
    expect(view.totalMs).toBe(200);
    expect(view.rows.map((row) => row.name)).toEqual(['Webhook Trigger', 'Resize', 'Respond to Webhook']);
    expect(view.rows[1]!.bar).toEqual({ left: 25, width: 50 });
    expect(view.rows[2]!.bar).toEqual({ left: 75, width: 25 });
    expect(view.rows[1]!.timing).toBe('100 ms');
    expect(view.ticks.map((tick) => tick.label)).toEqual(['0 ms', '100 ms', '200 ms']);
  });

  it('stretches the span to the last node when the run reports less, and shows instant nodes', () => {
    const view = timeline([node('hook', { startedMs: 0, durationMs: 0 }), node('resize', { startedMs: 10, durationMs: 290 })], name, 100);
    expect(view.totalMs).toBe(300);
    expect(view.rows[0]!.bar!.width).toBe(MIN_BAR);
    const resize = view.rows[1]!.bar!;
    expect(resize.left + resize.width).toBeLessThanOrEqual(100);
  });

  it('lists nodes that never ran after the rest, without a bar, saying why', () => {
    const view = timeline([node('spare', { status: 'skipped' }), node('hook', { startedMs: 0, durationMs: 5, cached: true })], name, null);
    expect(view.rows.map((row) => row.nodeId)).toEqual(['hook', 'spare']);
    expect(view.rows[1]!.bar).toBeNull();
    expect(view.rows[1]!.timing).toBe('skipped');
    expect(view.rows[0]!.timing).toBe('cached · 5 ms');
    expect(view.rows[0]!.bar).toEqual({ left: 0, width: 100 });
  });

  it('has no axis for a run where nothing took time', () => {
    expect(timeline([node('spare', { status: 'pending' })], name, null).ticks).toEqual([]);
  });

  it('formats durations from fractions of a millisecond to minutes', () => {
    expect(formatMs(0.42)).toBe('0.4 ms');
    expect(formatMs(12.4)).toBe('12 ms');
    expect(formatMs(1234)).toBe('1.2 s');
    expect(formatMs(12_345)).toBe('12 s');
    expect(formatMs(125_000)).toBe('2 min 5 s');
    expect(formatMs(-1)).toBe('–');
  });
});
