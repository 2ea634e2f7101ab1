import { defineNode, field } from '@pinksea/node-sdk';
import { IMAGE_OUTPUTS, readImage, writeImage } from './image-io';

export default defineNode({
  type: 'image.mask_threshold',
  title: 'Threshold Mask',
  description:
    'Turns an image into a black-and-white mask: pixels at least as bright as the threshold become white, the rest black. Color images count by their brightness; transparent areas count as black.',
  category: 'mask',
  tags: ['mask', 'threshold', 'binary', 'black and white'],
  version: '1.0.0',
  inputs: {
    image: field.image({ title: 'Image', description: 'The image or soft mask to threshold' }),
    threshold: field.integer({
      title: 'Threshold',
      description: 'Brightness from 0 (black) to 255 (white) at which a pixel becomes white',
      default: 128,
      minimum: 0,
      maximum: 255,
      ui: { order: 1, widget: 'slider', slider: { min: 0, max: 255, step: 1 } },
    }),
  },
  outputs: IMAGE_OUTPUTS,
  async invoke({ image, threshold }, ctx) {
    const mask = await readImage(ctx, image, 'image', { layout: 'grey' });
    const { data } = mask;
    for (let pixel = 0; pixel < data.length; pixel++) data[pixel] = data[pixel]! >= threshold ? 255 : 0;
    return writeImage(ctx, mask);
  },
});
