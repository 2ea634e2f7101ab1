import { defineNode, field } from '@pinksea/node-sdk';
import { IMAGE_OUTPUTS, readImage } from './image-io';

export default defineNode({
  type: 'image.load',
  title: 'Image',
  description: 'Picks an image from the gallery and passes it on, with its size. Fails early if the file is not a readable PNG, JPEG or WebP image.',
  category: 'image',
  tags: ['image', 'load', 'input', 'gallery'],
  version: '1.0.0',
  inputs: {
    image: field.image({
      title: 'Image',
      description: 'The gallery image to use',
      input: 'direct',
      ui: { widget: 'image' },
    }),
  },
  outputs: IMAGE_OUTPUTS,
  async invoke({ image }, ctx) {
    // Decoding proves the file is usable; the image itself is passed on unchanged, not copied.
    const pixels = await readImage(ctx, image, 'image');
    return { image, width: pixels.width, height: pixels.height };
  },
});
