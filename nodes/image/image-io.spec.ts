import { randomBytes } from 'node:crypto';
import { CanceledError, NodeError } from '@pinksea/node-sdk';
import { createTestContext, invokeNode, rejectionOf } from '@pinksea/node-sdk/testing';
import sharp from 'sharp';
import convertFormat from './convert-format.node';
import { checkOutputSize, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE, readImage } from './image-io';
import { decode, pngHeaderClaiming, solid, storeBytes, storeImage } from './image-testing';
import load from './load.node';

async function noisyPng(width: number, height: number): Promise<Buffer> {
  return sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } }).png().toBuffer();
}

function expectNodeError(error: unknown, code: string, field: string, message?: RegExp): void {
  expect(error).toBeInstanceOf(NodeError);
  expect((error as NodeError).code).toBe(code);
  expect((error as NodeError).field).toBe(field);
  if (message) expect((error as NodeError).message).toMatch(message);
}

describe('image pack: reading images (image.load)', () => {
  it('passes a PNG on unchanged, with its size', async () => {
    const { ctx, host } = createTestContext();
    const image = await storeImage(host, solid(30, 20, { r: 10, g: 20, b: 30 }));
    const result = await invokeNode(load, { image }, ctx);
    expect(result).toEqual({ image, width: 30, height: 20 });
    expect(host.images.images.size).toBe(1);
  });

  it('reads JPEG and WebP images too', async () => {
    const { ctx, host } = createTestContext();
    for (const format of ['jpeg', 'webp'] as const) {
      const image = await storeImage(host, solid(12, 8, { r: 200, g: 0, b: 0 }), format);
      expect(await invokeNode(load, { image }, ctx)).toEqual({ image, width: 12, height: 8 });
    }
  });

  it('reports the size a JPEG is shown at, after its EXIF orientation', async () => {
    const { ctx, host } = createTestContext();
    const image = await storeImage(host, solid(40, 20, { r: 0, g: 0, b: 255 }).withMetadata({ orientation: 6 }), 'jpeg');
    const result = await invokeNode(load, { image }, ctx);
    expect([result.width, result.height]).toEqual([20, 40]);
  });

  it('refuses random bytes as not an image, naming the input', async () => {
    const { ctx, host } = createTestContext();
    const image = await storeBytes(host, randomBytes(2048));
    const error = await rejectionOf(invokeNode(load, { image }, ctx));
    expectNodeError(error, 'invalid_image', 'image', /is not a PNG, JPEG or WebP image/);
    expect((error as NodeError).message).toContain(image.imageName);
  });

  it('refuses a text file', async () => {
    const { ctx, host } = createTestContext();
    const image = await storeBytes(host, Buffer.from('name,score\nada,10\n', 'utf8'));
    expectNodeError(await rejectionOf(invokeNode(load, { image }, ctx)), 'invalid_image', 'image');
  });

  it('refuses a truncated PNG whose header is intact', async () => {
    const { ctx, host } = createTestContext();
    const png = await noisyPng(64, 64);
    const image = await storeBytes(host, png.subarray(0, png.length >> 1));
    expectNodeError(await rejectionOf(invokeNode(load, { image }, ctx)), 'invalid_image', 'image', /damaged/);
  });

  it('refuses a truncated JPEG', async () => {
    const { ctx, host } = createTestContext();
    const jpeg = await sharp(await noisyPng(64, 64)).jpeg().toBuffer();
    const image = await storeBytes(host, jpeg.subarray(0, jpeg.length >> 1), 'jpeg');
    expectNodeError(await rejectionOf(invokeNode(load, { image }, ctx)), 'invalid_image', 'image');
  });

  it('refuses formats the store does not hold, such as GIF, saying which it is', async () => {
    const { ctx, host } = createTestContext();
    const image = await storeBytes(host, await solid(4, 4, { r: 1, g: 2, b: 3 }).gif().toBuffer());
    expectNodeError(await rejectionOf(invokeNode(load, { image }, ctx)), 'invalid_image', 'image', /is a GIF file/);
  });

  it('refuses an image over the pixel limit from its header, before decoding it', async () => {
    const { ctx, host } = createTestContext();
    const image = await storeBytes(host, pngHeaderClaiming(20000, 20000));
    const error = await rejectionOf(invokeNode(load, { image }, ctx));
    expectNodeError(error, 'image_too_large', 'image', /20000×20000 pixels; images up to 64 megapixels/);
  });

  it('honours a lower pixel limit', async () => {
    const { ctx, host } = createTestContext();
    const image = await storeImage(host, solid(100, 100, { r: 0, g: 0, b: 0 }));
    expectNodeError(await rejectionOf(readImage(ctx, image, 'base', { maxPixels: 5000 })), 'image_too_large', 'base', /5000 pixels/);
    expect((await readImage(ctx, image, 'base', { maxPixels: 10000 })).width).toBe(100);
  });

  it('names the input when the image does not exist', async () => {
    const { ctx } = createTestContext();
    expectNodeError(await rejectionOf(invokeNode(load, { image: { imageName: 'gone.png' } }, ctx)), 'image_not_found', 'image');
  });

  it('stops with CanceledError when the run is canceled', async () => {
    const controller = new AbortController();
    const { ctx, host } = createTestContext({ signal: controller.signal });
    const image = await storeImage(host, solid(8, 8, { r: 0, g: 0, b: 0 }));
    controller.abort();
    expect(await rejectionOf(invokeNode(load, { image }, ctx))).toBeInstanceOf(CanceledError);
  });
});

describe('image pack: output sizes', () => {
  it('allows the largest sizes and refuses anything bigger, naming the field', () => {
    expect(() => checkOutputSize(MAX_IMAGE_SIDE, MAX_IMAGE_PIXELS / MAX_IMAGE_SIDE, 'width')).not.toThrow();
    expectNodeError(captured(() => checkOutputSize(MAX_IMAGE_SIDE + 1, 1, 'width')), 'image_too_large', 'width');
    expectNodeError(captured(() => checkOutputSize(100, 20000, { width: 'w', height: 'h' })), 'image_too_large', 'h');
    expectNodeError(captured(() => checkOutputSize(9000, 9000, { width: 'w', height: 'h' })), 'image_too_large', 'w', /9000×9000/);
    expectNodeError(captured(() => checkOutputSize(0, 10, 'angle')), 'invalid_size', 'angle');
  });
});

describe('image pack: converting formats (image.convert_format)', () => {
  it('stores JPEG, filling transparency with the background', async () => {
    const { ctx, host } = createTestContext();
    const image = await storeImage(host, solid(10, 10, { r: 255, g: 0, b: 0, alpha: 0 }));
    const result = await invokeNode(convertFormat, { image, format: 'jpeg', background: { r: 0, g: 0, b: 255, a: 255 } }, ctx);
    const out = await decode(host, result.image);
    expect(host.images.images.get(result.image.imageName)?.format).toBe('jpeg');
    expect([out.format, out.width, out.height, out.channels, out.intermediate]).toEqual(['jpeg', 10, 10, 3, true]);
    const [r, g, b] = out.at(5, 5);
    expect(r).toBeLessThan(10);
    expect(g).toBeLessThan(10);
    expect(b).toBeGreaterThan(245);
  });

  it('stores WebP keeping transparency, and PNG losslessly', async () => {
    const { ctx, host } = createTestContext();
    const image = await storeImage(host, solid(10, 10, { r: 0, g: 255, b: 0, alpha: 0.5 }));
    const webp = await decode(host, (await invokeNode(convertFormat, { image, format: 'webp', quality: 100 }, ctx)).image);
    expect([webp.format, webp.channels]).toEqual(['webp', 4]);
    expect(webp.at(3, 3)[3]).toBeCloseTo(128, -1);
    const png = await decode(host, (await invokeNode(convertFormat, { image, format: 'png' }, ctx)).image);
    expect([png.format, ...png.at(3, 3)]).toEqual(['png', 0, 255, 0, 128]);
  });

  it('makes smaller JPEG files at lower quality', async () => {
    const { ctx, host } = createTestContext();
    const image = await storeBytes(host, await noisyPng(64, 64));
    const sizeAt = async (quality: number) => {
      const { image: ref } = await invokeNode(convertFormat, { image, format: 'jpeg', quality }, ctx);
      return host.images.images.get(ref.imageName)!.data.length;
    };
    expect(await sizeAt(10)).toBeLessThan((await sizeAt(95)) / 2);
  });
});

function captured(action: () => void): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}
