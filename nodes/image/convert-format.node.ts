import { defineNode, field } from '@pinksea/node-sdk';
import { fromPixels, IMAGE_OUTPUTS, readImage, writeImage } from './image-io';

const FORMATS = ['png', 'jpeg', 'webp'] as const;

export default defineNode({
  type: 'image.convert_format',
  title: 'Convert Image Format',
  description:
    'Stores an image as PNG (lossless, keeps transparency), JPEG (small, no transparency) or WebP (small, keeps transparency). JPEG fills transparent areas with the background color.',
  category: 'image',
  tags: ['image', 'convert', 'format', 'png', 'jpeg', 'webp', 'compress', 'export'],
  version: '1.0.0',
  inputs: {
    image: field.image({ title: 'Image', description: 'The image to convert' }),
    format: field.enum(FORMATS, {
      title: 'Format',
      description: 'The file format to store the image in',
      default: 'png',
      ui: { order: 1, choiceLabels: { png: 'PNG', jpeg: 'JPEG', webp: 'WebP' } },
    }),
    quality: field.integer({
      title: 'Quality',
      description: 'For JPEG and WebP: higher keeps more detail in a larger file. PNG is always lossless.',
      default: 90,
      minimum: 1,
      maximum: 100,
      ui: { order: 2, widget: 'slider', slider: { min: 1, max: 100, step: 1 } },
    }),
    background: field.color({
      title: 'Background',
      description: 'For JPEG: the color behind transparent areas',
      default: { r: 255, g: 255, b: 255, a: 255 },
      ui: { order: 3 },
    }),
  },
  outputs: IMAGE_OUTPUTS,
  async invoke({ image, format, quality, background }, ctx) {
    const source = await readImage(ctx, image, 'image');
    const pipeline = fromPixels(source);
    const flattened = format === 'jpeg' ? pipeline.flatten({ background: { r: background.r, g: background.g, b: background.b } }) : pipeline;
    return writeImage(ctx, flattened, { format, quality });
  },
});
