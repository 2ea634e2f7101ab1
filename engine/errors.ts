/**
 * Typed errors, classified by fault (CONVENTIONS §7): `user` errors are the caller's to fix and
 * become 4xx responses; `transient` ones may succeed when retried; `internal` ones are our bugs.
 * Services map these classes onto Moleculer's errors once; nothing else throws a bare Error.
 */

export type ErrorKind = 'user' | 'transient' | 'internal';

/** One problem found in a graph, a batch, a field value or a pack: where it is and what was expected. */
export interface Issue {
  readonly code: string;
  readonly message: string;
  readonly nodeId?: string;
  readonly field?: string;
  readonly expected?: string;
}

/** The JSON form of any Pinksea error, as events, queue items and API responses carry it. */
export interface ErrorInfo {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly message: string;
  readonly nodeId?: string;
  readonly field?: string;
  readonly issues?: readonly Issue[];
}

export class PinkseaError extends Error {
  override readonly name: string = 'PinkseaError';
  readonly issues: readonly Issue[];

  constructor(
    readonly code: string,
    message: string,
    readonly kind: ErrorKind = 'user',
    issues: readonly Issue[] = [],
  ) {
    super(message);
    this.issues = issues;
  }

  toInfo(): ErrorInfo {
    return {
      code: this.code,
      kind: this.kind,
      message: this.message,
      ...(this.issues.length > 0 ? { issues: this.issues } : {}),
    };
  }
}

/** Every problem of a graph at once, so the editor can mark them all in one pass. */
export class GraphValidationError extends PinkseaError {
  override readonly name = 'GraphValidationError';
  constructor(issues: readonly Issue[]) {
    super('graph_invalid', summarize('The graph is invalid', issues), 'user', issues);
  }
}

/** Batch data that cannot be expanded: unknown nodes or fields, unequal zipped lists, too many items. */
export class BatchValidationError extends PinkseaError {
  override readonly name = 'BatchValidationError';
  constructor(issues: readonly Issue[]) {
    super('batch_invalid', summarize('The batch is invalid', issues), 'user', issues);
  }
}

/**
 * What a node throws when it cannot do its work: a user fault by default (bad image, bad value),
 * `transient` when a retry may help (a model still downloading), naming the input field at fault.
 */
export class NodeError extends PinkseaError {
  override readonly name = 'NodeError';
  readonly field: string | undefined;

  constructor(code: string, message: string, options: { field?: string; kind?: ErrorKind } = {}) {
    super(code, message, options.kind ?? 'user');
    this.field = options.field;
  }

  override toInfo(): ErrorInfo {
    return { ...super.toInfo(), ...(this.field === undefined ? {} : { field: this.field }) };
  }
}

/** The run was canceled through its signal; not a failure of the graph. */
export class CanceledError extends PinkseaError {
  override readonly name = 'CanceledError';
  constructor(message = 'The run was canceled') {
    super('canceled', message, 'user');
  }
}

/** A pack that cannot be loaded, or a type id that another pack already owns. */
export class PackError extends PinkseaError {
  override readonly name = 'PackError';
  constructor(code: string, message: string, issues: readonly Issue[] = []) {
    super(code, message, 'user', issues);
  }
}

/** Turns anything thrown into an ErrorInfo; unknown throwables are internal faults. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof PinkseaError) return error.toInfo();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal_error', kind: 'internal', message };
}

function summarize(prefix: string, issues: readonly Issue[]): string {
  if (issues.length === 0) return prefix;
  const first = issues[0]!;
  const where = [first.nodeId && `node "${first.nodeId}"`, first.field && `field "${first.field}"`]
    .filter(Boolean)
    .join(', ');
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return `${prefix}: ${where ? `${where}: ` : ''}${first.message}${more}`;
}
