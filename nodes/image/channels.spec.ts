import { NodeError } from '@pinksea/node-sdk';
import { createTestContext, invokeNode, rejectionOf } from '@pinksea/node-sdk/testing';
import { decode, fromRaw, solid, storeImage } from './image-testing';
import mergeChannels from './merge-channels.node';
import splitChannels from './split-channels.node';

describe('image pack: split channels (image.split_channels)', () => {
  it('gives each channel as a one-channel greyscale image', async () => {
    const { ctx, host } = createTestContext();
    const image = await storeImage(host, fromRaw(2, 1, 4, [10, 20, 30, 40, 50, 60, 70, 80]));
    const result = await invokeNode(splitChannels, { image }, ctx);
    expect([result.width, result.height]).toEqual([2, 1]);
    const planes = await Promise.all([result.r, result.g, result.b, result.a].map((ref) => decode(host, ref)));
    expect(planes.map((plane) => [plane.format, plane.channels, plane.width, plane.height])).toEqual(Array(4).fill(['png', 1, 2, 1]));
    expect(planes.map((plane) => [plane.at(0, 0)[0], plane.at(1, 0)[0]])).toEqual([[10, 50], [20, 60], [30, 70], [40, 80]]);
  });

  it('gives a white alpha for an opaque image', async () => {
    const { ctx, host } = createTestContext();
    const image = await storeImage(host, solid(3, 3, { r: 1, g: 2, b: 3 }));
    const result = await invokeNode(splitChannels, { image }, ctx);
    expect((await decode(host, result.a)).at(2, 2)).toEqual([255]);
    expect((await decode(host, result.b)).at(2, 2)).toEqual([3]);
  });
});

describe('image pack: merge channels (image.merge_channels)', () => {
  it('builds an opaque RGB image from three greyscale images', async () => {
    const { ctx, host } = createTestContext();
    const [r, g, b] = await Promise.all([200, 100, 50].map((level) => storeImage(host, fromRaw(2, 2, 1, [level, level, level, level]))));
    const result = await invokeNode(mergeChannels, { r: r!, g: g!, b: b! }, ctx);
    const out = await decode(host, result.image);
    expect([result.width, result.height, out.channels]).toEqual([2, 2, 3]);
    expect(out.at(1, 1)).toEqual([200, 100, 50]);
  });

  it('restores the original from what Split Channels gave, alpha included', async () => {
    const { ctx, host } = createTestContext();
    const pixels = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 255];
    const image = await storeImage(host, fromRaw(2, 2, 4, pixels));
    const { r, g, b, a } = await invokeNode(splitChannels, { image }, ctx);
    const out = await decode(host, (await invokeNode(mergeChannels, { r, g, b, a }, ctx)).image);
    expect([out.at(0, 0), out.at(1, 0), out.at(0, 1), out.at(1, 1)].flat()).toEqual(pixels);
  });

  it('reads a colored channel input by its brightness', async () => {
    const { ctx, host } = createTestContext();
    const white = await storeImage(host, solid(1, 1, { r: 255, g: 255, b: 255 }));
    const black = await storeImage(host, solid(1, 1, { r: 0, g: 0, b: 0 }));
    const out = await decode(host, (await invokeNode(mergeChannels, { r: white, g: black, b: white }, ctx)).image);
    expect(out.at(0, 0)).toEqual([255, 0, 255]);
  });

  it('refuses channels of different sizes, naming the odd one', async () => {
    const { ctx, host } = createTestContext();
    const small = await storeImage(host, solid(2, 2, { r: 0, g: 0, b: 0 }));
    const large = await storeImage(host, solid(3, 2, { r: 0, g: 0, b: 0 }));
    const error = await rejectionOf(invokeNode(mergeChannels, { r: small, g: small, b: small, a: large }, ctx));
    expect(error).toBeInstanceOf(NodeError);
    expect(error).toEqual(jasmine.objectContaining({ code: 'size_mismatch', field: 'a' }));
  });
});
