import { defineNode, field } from '@pinksea/node-sdk';
import { fromPixels, IMAGE_OUTPUTS, readImage, toPixels, writeImage, type Pixels } from './image-io';

export default defineNode({
  type: 'image.adjust_color',
  title: 'Adjust Colors',
  description:
    'Adjusts saturation and hue, then brightness, contrast and gamma, and can invert the colors last. Every setting at its default leaves the image unchanged; transparency is never touched.',
  category: 'image',
  tags: ['image', 'color', 'brightness', 'contrast', 'saturation', 'hue', 'gamma', 'invert'],
  version: '1.0.0',
  inputs: {
    image: field.image({ title: 'Image', description: 'The image to adjust' }),
    brightness: field.float({
      title: 'Brightness',
      description: 'Multiplies every color channel: 1 keeps the image, 0.5 halves it, 0 makes it black',
      default: 1, minimum: 0, maximum: 4,
      ui: { order: 1, widget: 'slider', slider: { min: 0, max: 2, step: 0.01 } },
    }),
    saturation: field.float({
      title: 'Saturation',
      description: 'Multiplies the color intensity: 1 keeps it, 0 makes the image grey, 2 doubles it',
      default: 1, minimum: 0, maximum: 4,
      ui: { order: 2, widget: 'slider', slider: { min: 0, max: 2, step: 0.01 } },
    }),
    hue: field.float({
      title: 'Hue shift',
      description: 'Turns every color around the color wheel by this many degrees',
      default: 0, minimum: -180, maximum: 180,
      ui: { order: 3, widget: 'slider', slider: { min: -180, max: 180, step: 1 } },
    }),
    contrast: field.float({
      title: 'Contrast',
      description: 'Spreads the tones away from mid-grey: 1 keeps them, 0 makes the image flat grey, 2 doubles the contrast',
      default: 1, minimum: 0, maximum: 4,
      ui: { order: 4, widget: 'slider', slider: { min: 0, max: 2, step: 0.01 } },
    }),
    gamma: field.float({
      title: 'Gamma',
      description: 'Above 1 brightens the mid-tones, below 1 darkens them; black and white stay as they are',
      default: 1, minimum: 0.1, maximum: 10,
      ui: { order: 5, widget: 'slider', slider: { min: 0.1, max: 3, step: 0.01 } },
    }),
    invert: field.boolean({ title: 'Invert', description: 'Turn the image into its negative, last', default: false, ui: { order: 6 } }),
  },
  outputs: IMAGE_OUTPUTS,
  async invoke({ image, brightness, saturation, hue, contrast, gamma, invert }, ctx) {
    let pixels = await readImage(ctx, image, 'image');
    if (saturation !== 1 || hue !== 0) {
      // In sharp's LCh space, so a hue turn keeps the lightness (sharp takes whole degrees).
      pixels = await toPixels(fromPixels(pixels).modulate({ saturation, hue: Math.round(hue) }));
    }
    if (brightness !== 1 || contrast !== 1 || gamma !== 1 || invert) applyTable(pixels, toneTable(brightness, contrast, gamma, invert));
    return writeImage(ctx, pixels);
  },
});

/** What each 8-bit level becomes: scaled by brightness, spread around mid-grey, gamma-corrected, inverted. */
function toneTable(brightness: number, contrast: number, gamma: number, invert: boolean): Uint8Array {
  const table = new Uint8Array(256);
  const clamp = (value: number) => Math.min(255, Math.max(0, value));
  for (let level = 0; level < 256; level++) {
    const contrasted = clamp((clamp(level * brightness) - 128) * contrast + 128);
    const corrected = 255 * (contrasted / 255) ** (1 / gamma);
    table[level] = Math.round(invert ? 255 - corrected : corrected);
  }
  return table;
}

/** Maps the color channels through the table, leaving alpha alone. */
function applyTable(pixels: Pixels, table: Uint8Array): void {
  const { data, channels } = pixels;
  const colors = channels === 2 || channels === 4 ? channels - 1 : channels;
  for (let pixel = 0; pixel < data.length; pixel += channels) {
    for (let channel = 0; channel < colors; channel++) data[pixel + channel] = table[data[pixel + channel]!]!;
  }
}
