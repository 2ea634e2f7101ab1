import { defineNode, field } from '@pinksea/node-sdk';
import { boxBlur } from './box-blur';
import { fromPixels, IMAGE_OUTPUTS, readImage, throwIfCanceled, writeImage } from './image-io';

/** sharp's smallest Gaussian sigma; below it the blur would not show. */
const MIN_SIGMA = 0.3;

export default defineNode({
  type: 'image.blur',
  title: 'Blur Image',
  description:
    'Blurs an image. Gaussian gives a smooth, natural blur whose radius is the standard deviation in pixels; Box averages the square of pixels within the radius, for a flatter look. A radius of 0 leaves the image as it is.',
  category: 'image',
  tags: ['image', 'blur', 'gaussian', 'box', 'soften'],
  version: '1.0.0',
  inputs: {
    image: field.image({ title: 'Image', description: 'The image to blur' }),
    radius: field.float({
      title: 'Radius',
      description: 'Strength of the blur, in pixels',
      default: 8,
      minimum: 0,
      maximum: 250,
      ui: { order: 1, widget: 'slider', slider: { min: 0, max: 100, step: 0.5 } },
    }),
    blurType: field.enum(['gaussian', 'box'], {
      title: 'Blur type',
      description: 'Gaussian (smooth) or Box (flat average)',
      default: 'gaussian',
      ui: { order: 2, choiceLabels: { gaussian: 'Gaussian', box: 'Box' } },
    }),
  },
  outputs: IMAGE_OUTPUTS,
  async invoke({ image, radius, blurType }, ctx) {
    const source = await readImage(ctx, image, 'image');
    throwIfCanceled(ctx);
    if (blurType === 'box') {
      const boxRadius = Math.round(radius);
      return writeImage(ctx, boxRadius > 0 ? boxBlur(source, boxRadius) : source);
    }
    const pipeline = fromPixels(source);
    return writeImage(ctx, radius >= MIN_SIGMA ? pipeline.blur(radius) : pipeline);
  },
});
