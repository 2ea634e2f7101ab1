import { NodeError } from '@pinksea/node-sdk';
import { createTestContext, type MemoryContextHost, invokeNode, rejectionOf } from '@pinksea/node-sdk/testing';
import { decode, fromRaw, solid, storeBytes, storeImage } from './image-testing';
import maskCombine from './mask-combine.node';
import maskInvert from './mask-invert.node';
import maskThreshold from './mask-threshold.node';

/** A one-row greyscale mask. */
function row(host: MemoryContextHost, levels: readonly number[]) {
  return storeImage(host, fromRaw(levels.length, 1, 1, levels));
}

async function levels(host: MemoryContextHost, result: { image: { imageName: string }; width: number }): Promise<number[]> {
  const out = await decode(host, result.image);
  expect([out.format, out.channels]).toEqual(['png', 1]);
  return Array.from({ length: result.width }, (_, x) => out.at(x, 0)[0]!);
}

describe('image pack: threshold mask (image.mask_threshold)', () => {
  it('makes pixels at least as bright as the threshold white, the rest black', async () => {
    const { ctx, host } = createTestContext();
    const image = await row(host, [0, 127, 128, 255]);
    const result = await invokeNode(maskThreshold, { image, threshold: 128 }, ctx);
    expect([result.width, result.height]).toEqual([4, 1]);
    expect(await levels(host, result)).toEqual([0, 0, 255, 255]);
    expect(await levels(host, await invokeNode(maskThreshold, { image, threshold: 0 }, ctx))).toEqual([255, 255, 255, 255]);
  });

  it('reads colors by brightness and transparency as black', async () => {
    const { ctx, host } = createTestContext();
    const pixels = [255, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 0];
    const image = await storeImage(host, fromRaw(3, 1, 4, pixels));
    expect(await levels(host, await invokeNode(maskThreshold, { image, threshold: 128 }, ctx))).toEqual([0, 255, 0]);
  });
});

describe('image pack: invert mask (image.mask_invert)', () => {
  it('mirrors every level, one channel in and out', async () => {
    const { ctx, host } = createTestContext();
    const mask = await row(host, [0, 100, 255]);
    expect(await levels(host, await invokeNode(maskInvert, { mask }, ctx))).toEqual([255, 155, 0]);
  });

  it('treats transparent areas as black, so they become white', async () => {
    const { ctx, host } = createTestContext();
    const mask = await storeImage(host, solid(2, 1, { r: 255, g: 255, b: 255, alpha: 0 }));
    expect(await levels(host, await invokeNode(maskInvert, { mask }, ctx))).toEqual([255, 255]);
  });

  it('refuses a mask that is not an image, naming the input', async () => {
    const { ctx, host } = createTestContext();
    const mask = await storeBytes(host, Buffer.from('not a mask'));
    const error = await rejectionOf(invokeNode(maskInvert, { mask }, ctx));
    expect(error).toBeInstanceOf(NodeError);
    expect(error).toEqual(jasmine.objectContaining({ code: 'invalid_image', field: 'mask' }));
  });
});

describe('image pack: combine masks (image.mask_combine)', () => {
  const A = [0, 100, 200, 255];
  const B = [255, 100, 100, 0];
  const expected = {
    multiply: [0, 39, 78, 0],
    add: [255, 200, 255, 255],
    subtract: [0, 0, 100, 255],
    min: [0, 100, 100, 0],
    max: [255, 100, 200, 255],
  } as const;

  for (const [op, result] of Object.entries(expected) as [keyof typeof expected, readonly number[]][]) {
    it(`combines with ${op}`, async () => {
      const { ctx, host } = createTestContext();
      const combined = await invokeNode(maskCombine, { a: await row(host, A), b: await row(host, B), op }, ctx);
      expect(await levels(host, combined)).toEqual([...result]);
    });
  }

  it('takes the union by default', () => {
    expect(maskCombine.inputs.op.default).toBe('max');
  });

  it('refuses masks of different sizes, naming B', async () => {
    const { ctx, host } = createTestContext();
    const error = await rejectionOf(invokeNode(maskCombine, { a: await row(host, A), b: await row(host, [1, 2, 3]) }, ctx));
    expect(error).toEqual(jasmine.objectContaining({ code: 'size_mismatch', field: 'b' }));
    expect((error as NodeError).message).toContain('3×1 pixels');
  });
});
