import { defineNode, field } from '@pinksea/node-sdk';
import { IMAGE_OUTPUTS, readImage, writeImage } from './image-io';

export default defineNode({
  type: 'image.mask_invert',
  title: 'Invert Mask',
  description: 'Swaps the masked and unmasked areas: white becomes black, black becomes white, greys are mirrored. Transparent areas count as black, so they become white.',
  category: 'mask',
  tags: ['mask', 'invert', 'negate'],
  version: '1.0.0',
  inputs: {
    mask: field.image({ title: 'Mask', description: 'The mask to invert; color images count by their brightness' }),
  },
  outputs: IMAGE_OUTPUTS,
  async invoke({ mask }, ctx) {
    const pixels = await readImage(ctx, mask, 'mask', { layout: 'grey' });
    const { data } = pixels;
    for (let pixel = 0; pixel < data.length; pixel++) data[pixel] = 255 - data[pixel]!;
    return writeImage(ctx, pixels);
  },
});
