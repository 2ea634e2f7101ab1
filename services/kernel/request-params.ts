/**
 * Parameter shapes shared by the list and detail routes of every owner-scoped area: one way to
 * page, one way to read ids from a URL. Query strings arrive as text, so numbers and booleans
 * are converted by the validator (`convert: true`).
 */

/**
 * The largest `offset` of any list: past every real list, and far within PostgreSQL's bigint
 * (an offset of 2^63 fails the query) and JavaScript's exact integers.
 */
export const MAX_OFFSET = 1_000_000_000;

/** An `offset` parameter of a list. */
export const OFFSET_PARAM = { type: 'number', integer: true, min: 0, max: MAX_OFFSET, convert: true, optional: true, default: 0 } as const;

/** `limit` and `offset` of a paginated list; spread into an action's `params`. */
export const PAGE_PARAMS = {
  limit: { type: 'number', integer: true, min: 1, max: 200, convert: true, optional: true, default: 50 },
  offset: OFFSET_PARAM,
} as const;

export type { Page, PageRequest } from './page';

/** An optional boolean query parameter (`?starred=true`). */
export const QUERY_BOOLEAN = { type: 'boolean', convert: true, optional: true } as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether `id` can be a row id. Anything else is answered as "not found" before it reaches
 * PostgreSQL, which would otherwise fail the query (a 500) on a malformed uuid.
 */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}

/** A query parameter given once (`?tags=a,b`) or repeated (`?tags=a&tags=b`), as a list. */
export function queryList(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  return (typeof value === 'string' ? [value] : value)
    .flatMap((part) => part.split(','))
    .map((part) => part.trim())
    .filter((part) => part !== '');
}
