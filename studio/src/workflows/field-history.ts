/**
 * Inspector edits as history actions: a change of a node's field value becomes one undoable
 * action, and typing in the same field (changes less than COALESCE_MS apart) stays one action
 * whose "after" value follows the typing. The history itself is the editor's (rete-history-plugin).
 */
export const COALESCE_MS = 500;

/** The part of the history plugin this needs. */
export interface HistorySink<A> {
  add(action: A): void;
  /** The newest action on the undo stack, if any. */
  latest(): A | undefined;
  /** Keeps undo/redo from grouping the newest action with its neighbours. */
  separate(): void;
}

export type ApplyValue = (nodeId: string, field: string, value: unknown) => void;

export class FieldEditAction {
  constructor(
    readonly nodeId: string,
    readonly field: string,
    readonly before: unknown,
    public after: unknown,
    public at: number,
    private readonly apply: ApplyValue,
  ) {}

  async undo(): Promise<void> {
    this.apply(this.nodeId, this.field, cloneValue(this.before));
  }

  async redo(): Promise<void> {
    this.apply(this.nodeId, this.field, cloneValue(this.after));
  }
}

function cloneValue(value: unknown): unknown {
  return value === undefined ? undefined : structuredClone(value);
}

export class FieldHistory<A extends object> {
  constructor(
    private readonly sink: HistorySink<A | FieldEditAction>,
    private readonly apply: ApplyValue,
    private readonly now: () => number = () => Date.now(),
    private readonly windowMs = COALESCE_MS,
  ) {}

  /**
   * Records that `field` of `nodeId` went from `before` to `after`. Returns 'merged' when it
   * extended the newest action (the same field, within the window), else 'added'; 'none' when
   * nothing changed.
   */
  record(nodeId: string, field: string, before: unknown, after: unknown): 'added' | 'merged' | 'none' {
    const now = this.now();
    const latest = this.sink.latest();
    if (latest instanceof FieldEditAction && latest.nodeId === nodeId && latest.field === field && now - latest.at < this.windowMs) {
      latest.after = cloneValue(after);
      latest.at = now;
      return 'merged';
    }
    if (sameValue(before, after)) return 'none';
    this.sink.separate();
    this.sink.add(new FieldEditAction(nodeId, field, cloneValue(before), cloneValue(after), now, this.apply));
    this.sink.separate();
    return 'added';
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
