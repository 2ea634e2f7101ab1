import { defineNode, field } from '@pinksea/node-sdk';
import sharp from 'sharp';
import { IMAGE_OUTPUTS, readImage, writeImage } from './image-io';

export default defineNode({
  type: 'image.infill_color',
  title: 'Solid Color Infill',
  description:
    'Fills the transparent areas of an image with a solid color, as if the image lay on a sheet of that color. Half-transparent pixels are blended with it; opaque pixels stay as they are.',
  category: 'image',
  tags: ['image', 'infill', 'fill', 'transparent', 'background', 'outpaint'],
  version: '1.0.0',
  inputs: {
    image: field.image({ title: 'Image', description: 'The image whose transparent areas to fill' }),
    color: field.color({
      title: 'Color',
      description: 'The fill color; a fill that is itself transparent leaves some transparency',
      default: { r: 127, g: 127, b: 127, a: 255 },
      ui: { order: 1 },
    }),
  },
  outputs: IMAGE_OUTPUTS,
  async invoke({ image, color }, ctx) {
    const source = await readImage(ctx, image, 'image', { layout: 'rgba' });
    const { width, height } = source;
    const sheet = sharp({
      create: { width, height, channels: 4, background: { r: color.r, g: color.g, b: color.b, alpha: color.a / 255 } },
    });
    return writeImage(ctx, sheet.composite([{ input: source.data, raw: { width, height, channels: 4 } }]));
  },
});
