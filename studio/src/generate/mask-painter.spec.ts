import { MaskPainter, canvasPoint, pngSize } from './mask-painter';

describe('MaskPainter', () => {
  function painter(width: number, height: number): { painter: MaskPainter; canvas: HTMLCanvasElement } {
    const canvas = document.createElement('canvas');
    const result = new MaskPainter(canvas);
    result.reset(width, height);
    return { painter: result, canvas };
  }

  function pixel(canvas: HTMLCanvasElement, x: number, y: number): number {
    return canvas.getContext('2d')!.getImageData(x, y, 1, 1).data[0]!;
  }

  it('starts black (keep everything), paints white where stroked, erases back to black', () => {
    const { painter: mask, canvas } = painter(64, 48);
    expect(mask.painted()).toBeFalse();
    mask.stroke({ x: 8, y: 24 }, { x: 40, y: 24 }, 6);
    expect(mask.painted()).toBeTrue();
    expect(pixel(canvas, 24, 24)).toBe(255);
    expect(pixel(canvas, 24, 5)).toBe(0);
    mask.stroke(null, { x: 24, y: 24 }, 10, true);
    expect(pixel(canvas, 24, 24)).toBe(0);
    mask.clear();
    expect(mask.painted()).toBeFalse();
  });

  it("encodes a PNG of the init image's size, whatever size it is shown at", async () => {
    const { painter: mask, canvas } = painter(96, 40);
    canvas.style.width = '300px';
    mask.stroke(null, { x: 10, y: 10 }, 4);
    const png = await mask.toPng();
    expect(png.type).toBe('image/png');
    expect(await pngSize(png)).toEqual({ width: 96, height: 40 });
    mask.reset(64, 64);
    expect(await pngSize(await mask.toPng())).toEqual({ width: 64, height: 64 });
  });

  it('maps pointer positions from screen to canvas pixels, clamped to the canvas', () => {
    const rect = { left: 100, top: 50, width: 200, height: 100 };
    expect(canvasPoint(200, 100, rect, 64, 32)).toEqual({ x: 32, y: 16 });
    expect(canvasPoint(0, 500, rect, 64, 32)).toEqual({ x: 0, y: 32 });
  });
});
