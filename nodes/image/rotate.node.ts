import { defineNode, field } from '@pinksea/node-sdk';
import { checkOutputSize, fromPixels, IMAGE_OUTPUTS, readImage, toPixels, writeImage } from './image-io';

export default defineNode({
  type: 'image.rotate',
  title: 'Rotate / Flip Image',
  description:
    'Rotates an image clockwise by any angle, then optionally mirrors it. Quarter turns are exact; other angles enlarge the image to hold all of it and fill the new corners with the background color.',
  category: 'image',
  tags: ['image', 'rotate', 'flip', 'mirror', 'turn'],
  version: '1.0.0',
  inputs: {
    image: field.image({ title: 'Image', description: 'The image to rotate' }),
    angle: field.float({
      title: 'Angle',
      description: 'Clockwise rotation, in degrees; negative turns counter-clockwise',
      default: 0,
      minimum: -360,
      maximum: 360,
      ui: { order: 1, widget: 'slider', slider: { min: -180, max: 180, step: 1 } },
    }),
    flip: field.boolean({ title: 'Flip vertically', description: 'Turn the image upside down (top becomes bottom)', default: false, ui: { order: 2 } }),
    flop: field.boolean({ title: 'Flip horizontally', description: 'Mirror the image left to right', default: false, ui: { order: 3 } }),
    background: field.color({
      title: 'Background',
      description: 'Fills the corners that a rotation by an angle other than a quarter turn uncovers',
      default: { r: 0, g: 0, b: 0, a: 0 },
      ui: { order: 4 },
    }),
  },
  outputs: IMAGE_OUTPUTS,
  async invoke({ image, angle, flip, flop, background }, ctx) {
    const source = await readImage(ctx, image, 'image');
    const [width, height] = rotatedSize(source.width, source.height, angle);
    checkOutputSize(width, height, 'angle');
    const rotated = fromPixels(source).rotate(angle, {
      background: { r: background.r, g: background.g, b: background.b, alpha: background.a / 255 },
    });
    if (!flip && !flop) return writeImage(ctx, rotated);
    // Mirroring is its own pass: within one pipeline sharp mirrors before rotating, whatever the call order.
    const mirrored = (angle % 360 === 0 ? fromPixels(source) : fromPixels(await toPixels(rotated))).flip(flip).flop(flop);
    return writeImage(ctx, mirrored);
  },
});

/** The bounding box of a rotated image, as libvips sizes it (a little over, never under). */
function rotatedSize(width: number, height: number, angle: number): [number, number] {
  const radians = (angle * Math.PI) / 180;
  const cos = Math.abs(Math.cos(radians));
  const sin = Math.abs(Math.sin(radians));
  // The tolerance keeps float noise (cos 90° is 6e-17, not 0) from adding a pixel to quarter turns.
  const side = (length: number) => Math.ceil(length - 1e-6);
  return [side(width * cos + height * sin), side(width * sin + height * cos)];
}
