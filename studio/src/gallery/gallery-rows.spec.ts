import { chunkRows } from './gallery-rows';

describe('chunkRows', () => {
  it('splits into full rows and a last partial one', () => {
    expect(chunkRows([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('keeps at least one item per row and handles no items', () => {
    expect(chunkRows([1, 2], 0)).toEqual([[1], [2]]);
    expect(chunkRows([], 4)).toEqual([]);
  });
});
