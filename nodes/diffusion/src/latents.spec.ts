import { latentsPreviewRgb, resizeLatents, type Latents } from './latents';

const grid = (width: number, height: number, values: number[]): Latents => ({ data: Float32Array.from(values), channels: 1, width, height });

describe('resizeLatents', () => {
  it('nearest doubles each cell', () => {
    expect(Array.from(resizeLatents(grid(2, 1, [1, 2]), 4, 1, 'nearest').data)).toEqual([1, 1, 2, 2]);
  });

  it('bilinear samples at cell centres like PyTorch (align_corners=False)', () => {
    expect(Array.from(resizeLatents(grid(2, 1, [0, 4]), 4, 1, 'bilinear').data)).toEqual([0, 1, 3, 4]);
  });

  it('keeps every channel', () => {
    const out = resizeLatents({ data: Float32Array.from([1, 2]), channels: 2, width: 1, height: 1 }, 2, 2, 'bilinear');
    expect(Array.from(out.data)).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
  });
});

describe('latentsPreviewRgb', () => {
  it('maps zero latents to mid grey, one RGB pixel per cell', () => {
    const rgb = latentsPreviewRgb({ data: new Float32Array(4 * 6), channels: 4, width: 3, height: 2 });
    expect(rgb.length).toBe(18);
    expect(new Set(rgb)).toEqual(new Set([128]));
  });
});
