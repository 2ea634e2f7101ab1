import sharp from 'sharp';
import { encodeRgbPng } from './preview-png';

describe('encodeRgbPng', () => {
  it('writes a PNG that decodes to the same pixels', async () => {
    const [width, height] = [13, 7];
    const rgb = Buffer.alloc(width * height * 3);
    for (let i = 0; i < rgb.length; i += 1) rgb[i] = (i * 37) % 256;
    const png = encodeRgbPng(rgb, width, height);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.format, info.width, info.height, info.channels]).toEqual(['raw', width, height, 3]);
    expect(data.equals(rgb)).toBeTrue();
  });
});
