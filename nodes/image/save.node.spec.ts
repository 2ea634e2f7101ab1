import { createTestContext, expectNodeError, invokeNode } from '@pinksea/node-sdk/testing';
import save from './save.node';
import { solid, storeImage } from './image-testing';

describe('image.save', () => {
  it('keeps the image as a gallery result (not intermediate), with its metadata and bytes', async () => {
    const { ctx, host } = createTestContext({ type: save.type });
    const source = await storeImage(host, solid(8, 4, { r: 255, g: 0, b: 0 }));
    const result = await invokeNode(save, { image: source, metadata: { prompt: 'a red box', seed: 7 } }, ctx);
    expect(result.width).toBe(8);
    expect(result.height).toBe(4);
    expect(result.image.imageName).not.toBe(source.imageName);
    const kept = host.images.images.get(result.image.imageName)!;
    expect(kept.intermediate).toBeFalse();
    expect(Buffer.from(kept.data).equals(Buffer.from(host.images.images.get(source.imageName)!.data))).toBeTrue();
    expect((kept as { metadata?: unknown }).metadata).toEqual({ prompt: 'a red box', seed: 7 });
  });

  it('names the input when the image is missing or the metadata is not an object', async () => {
    const { ctx, host } = createTestContext({ type: save.type });
    await expectNodeError(() => invokeNode(save, { image: { imageName: 'missing.png' } }, ctx), 'image_not_found', 'image');
    const source = await storeImage(host, solid(2, 2, { r: 0, g: 0, b: 0 }));
    await expectNodeError(() => invokeNode(save, { image: source, metadata: [1, 2] }, ctx), 'invalid_metadata', 'metadata');
  });
});
