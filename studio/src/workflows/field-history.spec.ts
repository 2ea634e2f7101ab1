import { COALESCE_MS, FieldEditAction, FieldHistory, type HistorySink } from './field-history';

/** A history stack like rete-history-plugin's: records, separation flags, undo and redo of one record. */
class Stack implements HistorySink<object> {
  readonly produced: { action: object; separated?: boolean }[] = [];
  readonly reserved: { action: object; separated?: boolean }[] = [];
  add(action: object): void {
    this.produced.push({ action });
    this.reserved.length = 0;
  }
  latest(): object | undefined {
    return this.produced.at(-1)?.action;
  }
  separate(): void {
    const latest = this.produced.at(-1);
    if (latest) latest.separated = true;
  }
  async undo(): Promise<void> {
    const record = this.produced.pop();
    if (!record) return;
    await (record.action as FieldEditAction).undo();
    this.reserved.push(record);
  }
  async redo(): Promise<void> {
    const record = this.reserved.pop();
    if (!record) return;
    await (record.action as FieldEditAction).redo();
    this.produced.push(record);
  }
}

describe('FieldHistory', () => {
  let now: number;
  let stack: Stack;
  let values: Record<string, unknown>;
  let history: FieldHistory<object>;
  const edit = (field: string, value: unknown) => {
    const before = values[field];
    values[field] = value;
    return history.record('n1', field, before, value);
  };

  beforeEach(() => {
    now = 1000;
    stack = new Stack();
    values = { prompt: '', steps: 20 };
    history = new FieldHistory(stack, (_node, field, value) => (values[field] = value), () => now);
  });

  it('makes typing in one field one action, undone and redone at once', async () => {
    expect(edit('prompt', 'a')).toBe('added');
    now += 100;
    expect(edit('prompt', 'ab')).toBe('merged');
    now += COALESCE_MS - 1;
    expect(edit('prompt', 'abc')).toBe('merged');
    expect(stack.produced).toHaveSize(1);
    await stack.undo();
    expect(values['prompt']).toBe('');
    await stack.redo();
    expect(values['prompt']).toBe('abc');
  });

  it('starts a new action after a pause, or in another field', async () => {
    edit('prompt', 'a');
    now += COALESCE_MS;
    expect(edit('prompt', 'ab')).toBe('added');
    now += 10;
    expect(edit('steps', 30)).toBe('added');
    now += 10;
    expect(edit('prompt', 'abc')).toBe('added');
    expect(stack.produced).toHaveSize(4);
    expect(stack.produced.every((record) => record.separated)).toBeTrue();
    await stack.undo();
    expect(values).toEqual({ prompt: 'ab', steps: 30 });
    await stack.undo();
    expect(values).toEqual({ prompt: 'ab', steps: 20 });
    await stack.undo();
    expect(values['prompt']).toBe('a');
  });

  it('does not coalesce across another action, and records nothing for no change', () => {
    edit('prompt', 'a');
    stack.add({ kind: 'node added' });
    now += 10;
    expect(edit('prompt', 'ab')).toBe('added');
    expect(history.record('n1', 'steps', 20, 20)).toBe('none');
    expect(stack.produced).toHaveSize(3);
  });

  it('keeps its own copies of object values', async () => {
    const colour = { r: 1, g: 2, b: 3, a: 255 };
    edit('colour', colour);
    colour.r = 99;
    now += COALESCE_MS;
    await stack.undo();
    await stack.redo();
    expect(values['colour']).toEqual({ r: 1, g: 2, b: 3, a: 255 });
  });
});
