/**
 * The run detail's per-node timeline: one row per node of the run, named as the editor names it
 * (label, else catalogue title), with a bar placed by when the node started and how long it took,
 * as percentages of the run, so the component only binds `left` and `width`.
 */
import type { RunNodeSummary } from '../core/api-types';

export interface TimelineRow {
  readonly nodeId: string;
  readonly name: string;
  readonly status: RunNodeSummary['status'];
  readonly cached: boolean;
  /** Where the bar starts and how wide it is, in percent of the timeline; null for a node that never ran. */
  readonly bar: { readonly left: number; readonly width: number } | null;
  /** "12 ms", "cached", "skipped". */
  readonly timing: string;
}

export interface Timeline {
  readonly rows: readonly TimelineRow[];
  /** The span the bars share: the run's duration, or the last node's end when that is later. */
  readonly totalMs: number;
  /** Labels along the axis, in percent. */
  readonly ticks: readonly { readonly at: number; readonly label: string }[];
}

/** The narrowest bar drawn, in percent, so an instant node still shows. */
export const MIN_BAR = 0.6;

/** "0 ms", "0.4 ms", "12 ms", "1.2 s", "2 min 5 s". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms === 0) return '0 ms';
  if (ms < 1) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

export function timeline(nodes: readonly RunNodeSummary[], name: (id: string) => string, runMs: number | null): Timeline {
  const ends = nodes.filter((node) => node.startedMs !== undefined).map((node) => node.startedMs! + (node.durationMs ?? 0));
  const totalMs = Math.max(runMs ?? 0, ...ends, 0);
  const order = nodes.map((node, index) => ({ node, index }));
  // Nodes in the order they started; those that never ran keep their graph order, after them.
  order.sort((a, b) => (a.node.startedMs ?? Number.POSITIVE_INFINITY) - (b.node.startedMs ?? Number.POSITIVE_INFINITY) || a.index - b.index);
  const rows = order.map(({ node }): TimelineRow => {
    const ran = node.startedMs !== undefined;
    const duration = node.durationMs ?? 0;
    let bar: TimelineRow['bar'] = null;
    if (ran) {
      const left = totalMs > 0 ? Math.min(100 - MIN_BAR, (node.startedMs! / totalMs) * 100) : 0;
      const width = Math.min(100 - left, Math.max(MIN_BAR, totalMs > 0 ? (duration / totalMs) * 100 : 100));
      bar = { left, width };
    }
    const timing = !ran ? node.status : node.cached ? `cached · ${formatMs(duration)}` : formatMs(duration);
    return { nodeId: node.nodeId, name: name(node.nodeId), status: node.status, cached: node.cached === true, bar, timing };
  });
  const ticks = totalMs > 0 ? [0, 50, 100].map((at) => ({ at, label: formatMs((totalMs * at) / 100) })) : [];
  return { rows, totalMs, ticks };
}
