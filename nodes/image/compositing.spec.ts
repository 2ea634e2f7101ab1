import { NodeError } from '@pinksea/node-sdk';
import { createTestContext, invokeNode, rejectionOf } from '@pinksea/node-sdk/testing';
import sharp from 'sharp';
import { decode, solid, storeImage } from './image-testing';
import paste from './paste.node';

const RED = { r: 255, g: 0, b: 0 };
const BLUE = { r: 0, g: 0, b: 255 };

function expectNodeError(error: unknown, code: string, field: string): void {
  expect(error).toBeInstanceOf(NodeError);
  expect(error).toEqual(jasmine.objectContaining({ code, field, kind: 'user' }));
}

describe('image pack: paste (image.paste)', () => {
  async function setup(overlaySize = 10) {
    const { ctx, host } = createTestContext();
    const baseImage = await storeImage(host, solid(20, 20, BLUE));
    const image = await storeImage(host, solid(overlaySize, overlaySize, RED));
    return { ctx, host, baseImage, image };
  }

  it('pastes at X, Y and keeps the size of the base', async () => {
    const { ctx, host, baseImage, image } = await setup();
    const result = await invokeNode(paste, { baseImage, image, x: 5, y: 5 }, ctx);
    expect([result.width, result.height]).toEqual([20, 20]);
    const out = await decode(host, result.image);
    expect([out.at(4, 4), out.at(5, 5), out.at(14, 14), out.at(15, 15)].map((pixel) => pixel.slice(0, 3))).toEqual([
      [0, 0, 255], [255, 0, 0], [255, 0, 0], [0, 0, 255],
    ]);
  });

  it('cuts off what falls outside the base, on any side', async () => {
    const { ctx, host, baseImage, image } = await setup();
    const negative = await decode(host, (await invokeNode(paste, { baseImage, image, x: -5, y: -5 }, ctx)).image);
    expect([negative.at(0, 0), negative.at(4, 4), negative.at(5, 5)].map((pixel) => pixel.slice(0, 3))).toEqual([
      [255, 0, 0], [255, 0, 0], [0, 0, 255],
    ]);
    const away = await decode(host, (await invokeNode(paste, { baseImage, image, x: 100, y: 0 }, ctx)).image);
    expect([away.width, away.at(19, 0).slice(0, 3)]).toEqual([20, [0, 0, 255]]);
    const bigger = await setup(30);
    const covered = await decode(bigger.host, (await invokeNode(paste, { baseImage: bigger.baseImage, image: bigger.image, x: -5, y: -5 }, bigger.ctx)).image);
    expect([covered.width, covered.at(0, 0).slice(0, 3), covered.at(19, 19).slice(0, 3)]).toEqual([20, [255, 0, 0], [255, 0, 0]]);
  });

  it('pastes only where the mask is white, and partly where it is grey', async () => {
    const { ctx, host, baseImage, image } = await setup();
    const mask = await storeImage(host, sharp(Buffer.from(Array.from({ length: 100 }, (_, i) => (i % 10 < 5 ? 255 : i % 10 < 8 ? 0 : 128))), { raw: { width: 10, height: 10, channels: 1 } }).toColourspace('b-w'));
    const out = await decode(host, (await invokeNode(paste, { baseImage, image, mask, x: 0, y: 0 }, ctx)).image);
    expect(out.at(2, 2).slice(0, 3)).toEqual([255, 0, 0]);
    expect(out.at(6, 2).slice(0, 3)).toEqual([0, 0, 255]);
    const [r, , b] = out.at(9, 2);
    expect(r).toBeCloseTo(128, -1);
    expect(b).toBeCloseTo(127, -1);
  });

  it('refuses a mask of another size than the pasted image', async () => {
    const { ctx, host, baseImage, image } = await setup();
    const mask = await storeImage(host, solid(11, 10, { r: 255, g: 255, b: 255 }));
    expectNodeError(await rejectionOf(invokeNode(paste, { baseImage, image, mask }, ctx)), 'size_mismatch', 'mask');
  });

  it('blends with the chosen mode', async () => {
    const { ctx, host } = createTestContext();
    const baseImage = await storeImage(host, solid(4, 4, { r: 200, g: 100, b: 50 }));
    const image = await storeImage(host, solid(4, 4, { r: 128, g: 128, b: 128 }));
    const out = await decode(host, (await invokeNode(paste, { baseImage, image, blend: 'multiply' }, ctx)).image);
    const [r, g, b] = out.at(1, 1);
    expect([r, g, b].map((level) => Math.round(level! / 5))).toEqual([20, 10, 5]);
  });

  it('lays a half-transparent image half over the base', async () => {
    const { ctx, host } = createTestContext();
    const baseImage = await storeImage(host, solid(4, 4, BLUE));
    const image = await storeImage(host, solid(4, 4, { ...RED, alpha: 0.5 }));
    const [r, g, b] = (await decode(host, (await invokeNode(paste, { baseImage, image }, ctx)).image)).at(2, 2);
    expect(r).toBeCloseTo(128, -1);
    expect(g).toBe(0);
    expect(b).toBeCloseTo(127, -1);
  });
});
