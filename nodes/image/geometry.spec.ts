import { NodeError } from '@pinksea/node-sdk';
import { createTestContext, type MemoryContextHost, invokeNode, rejectionOf } from '@pinksea/node-sdk/testing';
import sharp from 'sharp';
import crop from './crop.node';
import { decode, solid, storeImage } from './image-testing';
import resize from './resize.node';
import rotate from './rotate.node';

const RED = { r: 255, g: 0, b: 0 };
const OPAQUE_BLUE = { r: 0, g: 0, b: 255, a: 255 };

/** A width × height image, blue except the pixels `isRed` picks. */
function painted(host: MemoryContextHost, width: number, height: number, isRed: (x: number, y: number) => boolean) {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(isRed(x, y) ? [255, 0, 0] : [0, 0, 255], (y * width + x) * 3);
  }
  return storeImage(host, sharp(data, { raw: { width, height, channels: 3 } }));
}

function expectNodeError(error: unknown, code: string, field: string): void {
  expect(error).toBeInstanceOf(NodeError);
  expect(error).toEqual(jasmine.objectContaining({ code, field, kind: 'user' }));
}

describe('image pack: resize (image.resize)', () => {
  it('stretches to the exact size with "fill"', async () => {
    const { ctx, host } = createTestContext();
    const image = await storeImage(host, solid(40, 20, RED));
    const result = await invokeNode(resize, { image, width: 10, height: 30 }, ctx);
    expect([result.width, result.height]).toEqual([10, 30]);
    const out = await decode(host, result.image);
    expect([out.format, out.width, out.height, out.intermediate]).toEqual(['png', 10, 30, true]);
    expect(out.at(5, 15)).toEqual([255, 0, 0]);
  });

  it('pads with the background color with "contain"', async () => {
    const { ctx, host } = createTestContext();
    const image = await storeImage(host, solid(40, 20, RED));
    const out = await decode(host, (await invokeNode(resize, { image, width: 20, height: 20, fit: 'contain', background: OPAQUE_BLUE }, ctx)).image);
    expect([out.width, out.height]).toEqual([20, 20]);
    expect(out.at(10, 0).slice(0, 3)).toEqual([0, 0, 255]);
    expect(out.at(10, 10).slice(0, 3)).toEqual([255, 0, 0]);
    const transparent = await decode(host, (await invokeNode(resize, { image, width: 20, height: 20, fit: 'contain' }, ctx)).image);
    expect(transparent.channels).toBe(4);
    expect(transparent.at(10, 0)[3]).toBe(0);
    expect(transparent.at(10, 10)).toEqual([255, 0, 0, 255]);
  });

  it('crops the overflow with "cover"', async () => {
    const { ctx, host } = createTestContext();
    const image = await painted(host, 40, 20, (x) => x < 20);
    const out = await decode(host, (await invokeNode(resize, { image, width: 20, height: 20, fit: 'cover' }, ctx)).image);
    expect([out.width, out.height]).toEqual([20, 20]);
    expect(out.at(2, 10)).toEqual([255, 0, 0]);
    expect(out.at(17, 10)).toEqual([0, 0, 255]);
  });

  it('keeps proportions with "inside" and "outside"', async () => {
    const { ctx, host } = createTestContext();
    const image = await storeImage(host, solid(40, 20, RED));
    const inside = await invokeNode(resize, { image, width: 10, height: 10, fit: 'inside' }, ctx);
    expect([inside.width, inside.height]).toEqual([10, 5]);
    const outside = await invokeNode(resize, { image, width: 10, height: 10, fit: 'outside' }, ctx);
    expect([outside.width, outside.height]).toEqual([20, 10]);
    expect((await decode(host, outside.image)).width).toBe(20);
  });

  it('keeps hard edges with the nearest kernel', async () => {
    const { ctx, host } = createTestContext();
    const image = await painted(host, 2, 1, (x) => x === 0);
    const out = await decode(host, (await invokeNode(resize, { image, width: 4, height: 1, kernel: 'nearest' }, ctx)).image);
    expect([0, 1, 2, 3].map((x) => out.at(x, 0))).toEqual([[255, 0, 0], [255, 0, 0], [0, 0, 255], [0, 0, 255]]);
  });

  it('refuses a size over the limits, naming the field, before decoding anything', async () => {
    const { ctx } = createTestContext();
    const image = { imageName: 'never-read.png' };
    expectNodeError(await rejectionOf(invokeNode(resize, { image, width: 20000, height: 10 }, ctx)), 'image_too_large', 'width');
    expectNodeError(await rejectionOf(invokeNode(resize, { image, width: 5000, height: 16000 }, ctx)), 'image_too_large', 'height');
  });

  it('refuses an "outside" fit whose kept proportions would be huge', async () => {
    const { ctx, host } = createTestContext();
    const image = await storeImage(host, solid(1, 100, RED));
    const error = await rejectionOf(invokeNode(resize, { image, width: 16384, height: 1000, fit: 'outside' }, ctx));
    expectNodeError(error, 'image_too_large', 'height');
    expect((error as NodeError).message).toContain('16384×1638400');
  });
});

describe('image pack: crop (image.crop)', () => {
  it('cuts out the rectangle', async () => {
    const { ctx, host } = createTestContext();
    const image = await painted(host, 20, 20, (x, y) => x >= 10 && y < 10);
    const result = await invokeNode(crop, { image, x: 10, y: 0, width: 10, height: 10 }, ctx);
    expect([result.width, result.height]).toEqual([10, 10]);
    const out = await decode(host, result.image);
    expect([out.at(0, 0), out.at(9, 9)]).toEqual([[255, 0, 0], [255, 0, 0]]);
    const below = await decode(host, (await invokeNode(crop, { image, x: 10, y: 9, width: 10, height: 2 }, ctx)).image);
    expect([below.at(0, 0), below.at(0, 1)]).toEqual([[255, 0, 0], [0, 0, 255]]);
  });

  it('takes the whole image when the rectangle is the whole image', async () => {
    const { ctx, host } = createTestContext();
    const image = await storeImage(host, solid(7, 5, RED));
    const result = await invokeNode(crop, { image, x: 0, y: 0, width: 7, height: 5 }, ctx);
    expect([result.width, result.height]).toEqual([7, 5]);
  });

  it('refuses a rectangle that leaves the image, naming the field at fault', async () => {
    const { ctx, host } = createTestContext();
    const image = await storeImage(host, solid(20, 10, RED));
    const cropping = (box: { x: number; y: number; width: number; height: number }) => rejectionOf(invokeNode(crop, { image, ...box }, ctx));
    expectNodeError(await cropping({ x: 20, y: 0, width: 1, height: 1 }), 'crop_out_of_bounds', 'x');
    expectNodeError(await cropping({ x: 0, y: 10, width: 1, height: 1 }), 'crop_out_of_bounds', 'y');
    expectNodeError(await cropping({ x: 0, y: 0, width: 1, height: 11 }), 'crop_out_of_bounds', 'height');
    const error = await cropping({ x: 10, y: 0, width: 15, height: 5 });
    expectNodeError(error, 'crop_out_of_bounds', 'width');
    expect((error as NodeError).message).toContain('at most 10 fits');
    expect((error as NodeError).message).toContain('20×10 pixels');
  });
});

describe('image pack: rotate and flip (image.rotate)', () => {
  it('turns a quarter clockwise exactly', async () => {
    const { ctx, host } = createTestContext();
    const image = await painted(host, 40, 20, (x) => x === 0);
    const result = await invokeNode(rotate, { image, angle: 90 }, ctx);
    expect([result.width, result.height]).toEqual([20, 40]);
    const out = await decode(host, result.image);
    expect(out.channels).toBe(3);
    expect([out.at(0, 0), out.at(19, 0), out.at(10, 1)]).toEqual([[255, 0, 0], [255, 0, 0], [0, 0, 255]]);
  });

  it('enlarges for other angles and fills the corners with the background', async () => {
    const { ctx, host } = createTestContext();
    const image = await storeImage(host, solid(20, 20, RED));
    const result = await invokeNode(rotate, { image, angle: 45 }, ctx);
    expect(result.width).toBeGreaterThanOrEqual(28);
    expect(result.width).toBeLessThanOrEqual(30);
    const out = await decode(host, result.image);
    expect(out.channels).toBe(4);
    expect(out.at(0, 0)[3]).toBe(0);
    expect(out.at(result.width >> 1, result.height >> 1)).toEqual([255, 0, 0, 255]);
    const filled = await decode(host, (await invokeNode(rotate, { image, angle: -45, background: OPAQUE_BLUE }, ctx)).image);
    expect(filled.at(0, 0).slice(0, 3)).toEqual([0, 0, 255]);
  });

  it('flips vertically and horizontally', async () => {
    const { ctx, host } = createTestContext();
    const image = await painted(host, 4, 2, (x, y) => x === 0 && y === 0);
    const flipped = await decode(host, (await invokeNode(rotate, { image, flip: true }, ctx)).image);
    expect([flipped.at(0, 1), flipped.at(0, 0)]).toEqual([[255, 0, 0], [0, 0, 255]]);
    const flopped = await decode(host, (await invokeNode(rotate, { image, flop: true }, ctx)).image);
    expect([flopped.at(3, 0), flopped.at(0, 0)]).toEqual([[255, 0, 0], [0, 0, 255]]);
  });

  it('mirrors after rotating, as its description says', async () => {
    const { ctx, host } = createTestContext();
    const image = await painted(host, 4, 2, (x, y) => x === 0 && y === 0);
    const out = await decode(host, (await invokeNode(rotate, { image, angle: 90, flop: true }, ctx)).image);
    expect([out.width, out.height]).toEqual([2, 4]);
    expect(out.at(0, 0)).toEqual([255, 0, 0]);
  });

  it('refuses an angle whose enlarged result would be over the limit', async () => {
    const { ctx, host } = createTestContext();
    const image = await storeImage(host, solid(16000, 100, RED));
    expectNodeError(await rejectionOf(invokeNode(rotate, { image, angle: 45 }, ctx)), 'image_too_large', 'angle');
    expect((await invokeNode(rotate, { image, angle: 90 }, ctx)).height).toBe(16000);
  });
});
