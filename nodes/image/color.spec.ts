import { createTestContext, invokeNode } from '@pinksea/node-sdk/testing';
import adjustColor from './adjust-color.node';
import blur from './blur.node';
import { decode, fromRaw, solid, storeImage } from './image-testing';
import infillColor from './infill-color.node';

const ORANGE = { r: 200, g: 100, b: 50 };

async function adjusted(settings: Partial<Parameters<typeof adjustColor.invoke>[0]>, color: { r: number; g: number; b: number; alpha?: number } = ORANGE) {
  const { ctx, host } = createTestContext();
  const image = await storeImage(host, solid(4, 4, color));
  return decode(host, (await invokeNode(adjustColor, { image, ...settings }, ctx)).image);
}

describe('image pack: adjust colors (image.adjust_color)', () => {
  it('changes nothing at the defaults', async () => {
    expect((await adjusted({})).at(1, 1)).toEqual([200, 100, 50]);
  });

  it('makes grey at saturation 0 and black at brightness 0', async () => {
    const [r, g, b] = (await adjusted({ saturation: 0 })).at(1, 1);
    expect(r).toBe(g!);
    expect(g).toBe(b!);
    expect((await adjusted({ brightness: 0 })).at(1, 1)).toEqual([0, 0, 0]);
    expect((await adjusted({ brightness: 0.5 })).at(1, 1)).toEqual([100, 50, 25]);
    expect((await adjusted({ brightness: 2 })).at(1, 1)).toEqual([255, 200, 100]);
  });

  it('turns red towards cyan with a hue shift of 180 degrees', async () => {
    const [r, g, b] = (await adjusted({ hue: 180 }, { r: 255, g: 0, b: 0 })).at(0, 0);
    expect(r).toBeLessThan(60);
    expect(g).toBeGreaterThan(120);
    expect(b).toBeGreaterThan(120);
  });

  it('spreads tones around mid-grey with contrast', async () => {
    expect((await adjusted({ contrast: 0 })).at(0, 0)).toEqual([128, 128, 128]);
    expect((await adjusted({ contrast: 2 })).at(0, 0)).toEqual([255, 72, 0]);
  });

  it('lifts the mid-tones with gamma above 1 and keeps black and white', async () => {
    expect((await adjusted({ gamma: 2 }, { r: 64, g: 0, b: 255 })).at(0, 0)).toEqual([128, 0, 255]);
  });

  it('inverts the colors last, leaving alpha alone', async () => {
    const out = await adjusted({ invert: true }, { ...ORANGE, alpha: 0.5 });
    expect(out.channels).toBe(4);
    expect(out.at(0, 0)).toEqual([55, 155, 205, 128]);
  });
});

describe('image pack: blur (image.blur)', () => {
  async function edge() {
    const { ctx, host } = createTestContext();
    const values = Array.from({ length: 40 * 10 }, (_, index) => (index % 40 < 20 ? 0 : 255));
    return { ctx, host, image: await storeImage(host, fromRaw(40, 10, 1, values)) };
  }

  it('softens an edge with a Gaussian blur, leaving far pixels alone', async () => {
    const { ctx, host, image } = await edge();
    const result = await invokeNode(blur, { image, radius: 3 }, ctx);
    expect([result.width, result.height]).toEqual([40, 10]);
    const out = await decode(host, result.image);
    expect(out.at(19, 5)[0]).toBeGreaterThan(40);
    expect(out.at(19, 5)[0]).toBeLessThan(215);
    expect([out.at(0, 5)[0], out.at(39, 5)[0]]).toEqual([0, 255]);
  });

  it('leaves the image as it is at radius 0', async () => {
    const { ctx, host, image } = await edge();
    const out = await decode(host, (await invokeNode(blur, { image, radius: 0 }, ctx)).image);
    expect([out.at(19, 5)[0], out.at(20, 5)[0]]).toEqual([0, 255]);
  });

  it('averages the square around each pixel with a box blur', async () => {
    const { ctx, host } = createTestContext();
    const values = Array.from({ length: 25 }, (_, index) => (index === 12 ? 255 : 0));
    const image = await storeImage(host, fromRaw(5, 5, 1, values));
    const out = await decode(host, (await invokeNode(blur, { image, radius: 1, blurType: 'box' }, ctx)).image);
    expect([out.at(2, 2)[0], out.at(1, 1)[0], out.at(3, 2)[0], out.at(0, 0)[0], out.at(4, 2)[0]]).toEqual([28, 28, 28, 0, 0]);
  });

  it('does not bleed the hidden color of transparent pixels into a box blur', async () => {
    const { ctx, host } = createTestContext();
    const image = await storeImage(host, fromRaw(4, 1, 4, [255, 0, 0, 0, 255, 0, 0, 0, 0, 0, 255, 255, 0, 0, 255, 255]));
    const out = await decode(host, (await invokeNode(blur, { image, radius: 1, blurType: 'box' }, ctx)).image);
    expect(out.at(1, 0)).toEqual([0, 0, 255, 85]);
    expect(out.at(0, 0)[3]).toBe(0);
  });
});

describe('image pack: solid color infill (image.infill_color)', () => {
  it('fills transparent pixels, blends half-transparent ones and keeps opaque ones', async () => {
    const { ctx, host } = createTestContext();
    const image = await storeImage(host, fromRaw(3, 1, 4, [9, 9, 9, 0, 255, 0, 0, 128, 255, 0, 0, 255]));
    const result = await invokeNode(infillColor, { image, color: { r: 0, g: 255, b: 0, a: 255 } }, ctx);
    const out = await decode(host, result.image);
    expect([result.width, result.height]).toEqual([3, 1]);
    expect(out.at(0, 0)).toEqual([0, 255, 0, 255]);
    expect(out.at(2, 0)).toEqual([255, 0, 0, 255]);
    const [r, g, b, a] = out.at(1, 0);
    expect([Math.abs(r! - 128) <= 2, Math.abs(g! - 127) <= 2, b, a]).toEqual([true, true, 0, 255]);
  });

  it('fills with mid-grey by default and leaves an opaque image as it is', async () => {
    const { ctx, host } = createTestContext();
    const clear = await storeImage(host, solid(2, 2, { r: 0, g: 0, b: 0, alpha: 0 }));
    expect((await decode(host, (await invokeNode(infillColor, { image: clear }, ctx)).image)).at(0, 0)).toEqual([127, 127, 127, 255]);
    const opaque = await storeImage(host, solid(2, 2, ORANGE));
    expect((await decode(host, (await invokeNode(infillColor, { image: opaque }, ctx)).image)).at(1, 1)).toEqual([200, 100, 50, 255]);
  });
});
