/**
 * How every list route pages: the request's window and the page it answers. Types only, so the
 * studio takes them as they are (CONVENTIONS §17) without pulling in any server code.
 */

export interface PageRequest {
  readonly limit: number;
  readonly offset: number;
}

/** One page of a list, with the total the filter matches. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}
