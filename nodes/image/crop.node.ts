import { defineNode, field, NodeError } from '@pinksea/node-sdk';
import { describeSize, fromPixels, IMAGE_OUTPUTS, MAX_IMAGE_SIDE, readImage, writeImage, type Pixels } from './image-io';

export default defineNode({
  type: 'image.crop',
  title: 'Crop Image',
  description: 'Cuts a rectangle out of an image. The rectangle starts at X, Y (from the top-left corner) and must lie inside the image.',
  category: 'image',
  tags: ['image', 'crop', 'cut', 'region'],
  version: '1.0.0',
  inputs: {
    image: field.image({ title: 'Image', description: 'The image to crop' }),
    x: field.integer({ title: 'X', description: 'Left edge of the rectangle, in pixels from the left', default: 0, minimum: 0, maximum: MAX_IMAGE_SIDE, ui: { order: 1 } }),
    y: field.integer({ title: 'Y', description: 'Top edge of the rectangle, in pixels from the top', default: 0, minimum: 0, maximum: MAX_IMAGE_SIDE, ui: { order: 2 } }),
    width: field.integer({ title: 'Width', description: 'Width of the rectangle, in pixels', default: 512, minimum: 1, maximum: MAX_IMAGE_SIDE, ui: { order: 3 } }),
    height: field.integer({ title: 'Height', description: 'Height of the rectangle, in pixels', default: 512, minimum: 1, maximum: MAX_IMAGE_SIDE, ui: { order: 4 } }),
  },
  outputs: IMAGE_OUTPUTS,
  async invoke({ image, x, y, width, height }, ctx) {
    const source = await readImage(ctx, image, 'image');
    checkBox(source, x, y, width, height);
    return writeImage(ctx, fromPixels(source).extract({ left: x, top: y, width, height }));
  },
});

function checkBox(source: Pixels, x: number, y: number, width: number, height: number): void {
  const size = describeSize(source.width, source.height);
  const fail = (field: string, message: string) => {
    throw new NodeError('crop_out_of_bounds', `${message}; the image is ${size}.`, { field });
  };
  const whole = (value: number) => Number.isSafeInteger(value);
  if (!whole(x) || x < 0 || x >= source.width) fail('x', `X is ${x}, outside the image`);
  if (!whole(y) || y < 0 || y >= source.height) fail('y', `Y is ${y}, outside the image`);
  if (!whole(width) || width < 1 || x + width > source.width) {
    fail('width', `A width of ${width} from X ${x} reaches past the right edge (at most ${source.width - x} fits)`);
  }
  if (!whole(height) || height < 1 || y + height > source.height) {
    fail('height', `A height of ${height} from Y ${y} reaches past the bottom edge (at most ${source.height - y} fits)`);
  }
}
