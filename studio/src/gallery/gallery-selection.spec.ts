import { NO_SELECTION, keepPresent, neighbour, select, selectAll } from './gallery-selection';

describe('gallery selection', () => {
  const order = ['a', 'b', 'c', 'd', 'e'];
  const names = (selection: { names: ReadonlySet<string> }) => [...selection.names].sort();

  it('selects one image on a plain click, replacing the rest', () => {
    const first = select(NO_SELECTION, order, 'b');
    expect(names(first)).toEqual(['b']);
    expect(names(select(first, order, 'd'))).toEqual(['d']);
  });

  it('toggles one image with ctrl, keeping the others', () => {
    const two = select(select(NO_SELECTION, order, 'a'), order, 'c', { toggle: true });
    expect(names(two)).toEqual(['a', 'c']);
    expect(names(select(two, order, 'a', { toggle: true }))).toEqual(['c']);
  });

  it('selects a range with shift, from the anchor either way, and redoes it from the same anchor', () => {
    const anchored = select(NO_SELECTION, order, 'b');
    const forward = select(anchored, order, 'd', { range: true });
    expect(names(forward)).toEqual(['b', 'c', 'd']);
    expect(forward.anchor).toBe('b');
    expect(names(select(forward, order, 'a', { range: true }))).toEqual(['a', 'b']);
  });

  it('adds a range to the selection with ctrl+shift', () => {
    const start = select(select(NO_SELECTION, order, 'e'), order, 'a', { toggle: true });
    expect(names(select(start, order, 'b', { range: true, toggle: true }))).toEqual(['a', 'b', 'e']);
  });

  it('treats shift without an anchor as a plain click', () => {
    expect(names(select(NO_SELECTION, order, 'c', { range: true }))).toEqual(['c']);
  });

  it('selects all, drops names that left the grid, and steps with the arrow keys', () => {
    expect(names(selectAll(order))).toEqual(order);
    const kept = keepPresent({ names: new Set(['a', 'x']), anchor: 'x' }, order);
    expect(names(kept)).toEqual(['a']);
    expect(kept.anchor).toBeNull();
    expect(neighbour(order, 'c', 1)).toBe('d');
    expect(neighbour(order, 'e', 1)).toBe('e');
    expect(neighbour(order, 'b', -4)).toBe('a');
    expect(neighbour(order, null, 1)).toBe('a');
    expect(neighbour([], 'a', 1)).toBeNull();
  });
});
