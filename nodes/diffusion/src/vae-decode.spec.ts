import { tileStarts, TILE_LATENTS, TILE_OVERLAP_LATENTS } from './vae-decode';

describe('tileStarts', () => {
  it('is one tile up to the tile size', () => {
    expect(tileStarts(40)).toEqual([0]);
    expect(tileStarts(TILE_LATENTS)).toEqual([0]);
  });

  it('covers the side with overlaps of at least the minimum, the last tile ending at the edge', () => {
    for (const size of [65, 80, 120, 121, 200, 512]) {
      const starts = tileStarts(size);
      expect(starts[0]).toBe(0);
      expect(starts.at(-1)! + TILE_LATENTS).toBe(size);
      for (let i = 1; i < starts.length; i += 1) expect(starts[i - 1]! + TILE_LATENTS - starts[i]!).toBeGreaterThanOrEqual(TILE_OVERLAP_LATENTS);
    }
  });
});
