/**
 * The run history's filters, kept in the page's URL (so a filtered history can be linked to and
 * survives a reload) and turned into GET /automation-runs's query: statuses and triggers as comma
 * lists, one automation, a time range back from now, and the page as an offset.
 */
import type { RunStatus, RunTrigger } from '../core/api-types';

export const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'succeeded', 'failed', 'canceled', 'skipped'];
export const RUN_TRIGGERS: readonly RunTrigger[] = ['manual', 'schedule', 'webhook', 'event', 'test', 'rerun', 'retry'];

export type RunRange = '1h' | '24h' | '7d' | '30d' | 'all';

/** Each time range's length back from now; `all` has none. */
export const RUN_RANGES: Readonly<Record<RunRange, { readonly label: string; readonly ms: number | null }>> = {
  '1h': { label: 'Last hour', ms: 3_600_000 },
  '24h': { label: 'Last 24 hours', ms: 86_400_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000 },
  '30d': { label: 'Last 30 days', ms: 30 * 86_400_000 },
  all: { label: 'Any time', ms: null },
};

export const RUNS_PAGE_SIZE = 50;

export interface RunFilters {
  readonly statuses: readonly RunStatus[];
  readonly triggers: readonly RunTrigger[];
  readonly automationId: string | null;
  readonly range: RunRange;
  /** Zero-based. */
  readonly page: number;
}

export const NO_FILTERS: RunFilters = { statuses: [], triggers: [], automationId: null, range: 'all', page: 0 };

/** The URL's query parameters read back as filters; anything unknown is dropped, not guessed at. */
export function filtersFromParams(params: Readonly<Record<string, string | undefined>>): RunFilters {
  const listOf = <T extends string>(value: string | undefined, allowed: readonly T[]): T[] =>
    [...new Set((value ?? '').split(',').map((part) => part.trim()))].filter((part): part is T => (allowed as readonly string[]).includes(part));
  const range = params['range'];
  const page = Number(params['page']);
  const automation = params['automation']?.trim();
  return {
    statuses: listOf(params['status'], RUN_STATUSES),
    triggers: listOf(params['trigger'], RUN_TRIGGERS),
    automationId: automation ? automation : null,
    range: range && range in RUN_RANGES ? (range as RunRange) : 'all',
    page: Number.isInteger(page) && page > 1 ? page - 1 : 0,
  };
}

/** The filters as the URL's query parameters (null removes one), pages counted from 1 for people. */
export function filtersToParams(filters: RunFilters): Record<string, string | null> {
  return {
    status: filters.statuses.length > 0 ? filters.statuses.join(',') : null,
    trigger: filters.triggers.length > 0 ? filters.triggers.join(',') : null,
    automation: filters.automationId,
    range: filters.range === 'all' ? null : filters.range,
    page: filters.page > 0 ? String(filters.page + 1) : null,
  };
}

/** GET /automation-runs's query for the filters, with `from` counted back from `now`. */
export function runsQuery(filters: RunFilters, now: Date): Record<string, string | number> {
  const query: Record<string, string | number> = { limit: RUNS_PAGE_SIZE, offset: filters.page * RUNS_PAGE_SIZE };
  if (filters.statuses.length > 0) query['status'] = filters.statuses.join(',');
  if (filters.triggers.length > 0) query['trigger'] = filters.triggers.join(',');
  if (filters.automationId) query['automationId'] = filters.automationId;
  const span = RUN_RANGES[filters.range].ms;
  if (span !== null) query['from'] = new Date(now.getTime() - span).toISOString();
  return query;
}

/** A filter changed: back to the first page, whose rows the new filter decides. */
export function withFilter(filters: RunFilters, change: Partial<Omit<RunFilters, 'page'>>): RunFilters {
  return { ...filters, ...change, page: 0 };
}

/** One value switched on or off in a list filter, keeping the list in its canonical order. */
export function toggled<T extends string>(list: readonly T[], value: T, order: readonly T[]): T[] {
  const next = list.includes(value) ? list.filter((each) => each !== value) : [...list, value];
  return order.filter((each) => next.includes(each));
}

/** "51–100 of 230", or "No runs". */
export function pageRange(page: number, shown: number, total: number): string {
  if (total === 0 || shown === 0) return 'No runs';
  const first = page * RUNS_PAGE_SIZE + 1;
  return `${first}–${first + shown - 1} of ${total}`;
}

/** How many pages `total` rows fill. */
export function pageCount(total: number): number {
  return Math.max(1, Math.ceil(total / RUNS_PAGE_SIZE));
}
