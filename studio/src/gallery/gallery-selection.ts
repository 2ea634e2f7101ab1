/** Which images are selected, and the one a shift-click extends from. */
export interface Selection {
  readonly names: ReadonlySet<string>;
  readonly anchor: string | null;
}

export const NO_SELECTION: Selection = { names: new Set(), anchor: null };

export interface SelectModifiers {
  /** Shift: select the range from the anchor. */
  readonly range?: boolean;
  /** Ctrl or Cmd: add or remove one, keeping the rest. */
  readonly toggle?: boolean;
}

/**
 * A click on `name` among `order` (the grid's order), as file managers do: a plain click selects
 * that one alone; ctrl toggles it; shift selects from the anchor to it (with ctrl, adding to what
 * was selected). The anchor moves on plain and ctrl clicks only, so shift-clicks can be redone.
 */
export function select(selection: Selection, order: readonly string[], name: string, modifiers: SelectModifiers = {}): Selection {
  if (modifiers.range && selection.anchor !== null) {
    const from = order.indexOf(selection.anchor);
    const to = order.indexOf(name);
    if (from >= 0 && to >= 0) {
      const range = order.slice(Math.min(from, to), Math.max(from, to) + 1);
      const names = new Set(modifiers.toggle ? selection.names : []);
      for (const each of range) names.add(each);
      return { names, anchor: selection.anchor };
    }
  }
  if (modifiers.toggle) {
    const names = new Set(selection.names);
    if (names.has(name)) names.delete(name);
    else names.add(name);
    return { names, anchor: name };
  }
  return { names: new Set([name]), anchor: name };
}

export function selectAll(order: readonly string[]): Selection {
  return { names: new Set(order), anchor: order[0] ?? null };
}

/** The selection without names that left the grid (deleted, filtered away). */
export function keepPresent(selection: Selection, order: readonly string[]): Selection {
  const present = new Set(order);
  const names = new Set([...selection.names].filter((name) => present.has(name)));
  return { names, anchor: selection.anchor !== null && present.has(selection.anchor) ? selection.anchor : null };
}

/** The name `step` places before or after `name` in the grid (arrow keys), clamped to its ends. */
export function neighbour(order: readonly string[], name: string | null, step: number): string | null {
  if (order.length === 0) return null;
  const index = name === null ? -1 : order.indexOf(name);
  if (index < 0) return order[0]!;
  return order[Math.min(order.length - 1, Math.max(0, index + step))]!;
}
