import { defineNode, field } from '@pinksea/node-sdk';
import { checkSameSize, fromPixels, IMAGE_OUTPUTS, MAX_IMAGE_SIDE, readImage, toPixels, writeImage, type Pixels } from './image-io';

/** sharp's blend modes: Porter-Duff operators, then the blend modes of image editors. */
const BLEND_MODES = [
  'over', 'multiply', 'screen', 'overlay', 'darken', 'lighten', 'color-dodge', 'color-burn', 'hard-light',
  'soft-light', 'difference', 'exclusion', 'add', 'saturate', 'atop', 'in', 'out', 'xor', 'dest-over',
  'dest-in', 'dest-out', 'dest-atop', 'dest', 'source', 'clear',
] as const;

const BLEND_LABELS: Readonly<Record<(typeof BLEND_MODES)[number], string>> = {
  over: 'Normal', multiply: 'Multiply', screen: 'Screen', overlay: 'Overlay', darken: 'Darken', lighten: 'Lighten',
  'color-dodge': 'Color dodge', 'color-burn': 'Color burn', 'hard-light': 'Hard light', 'soft-light': 'Soft light',
  difference: 'Difference', exclusion: 'Exclusion', add: 'Add', saturate: 'Saturate',
  atop: 'Atop', in: 'In', out: 'Out', xor: 'Xor', 'dest-over': 'Behind', 'dest-in': 'Destination in',
  'dest-out': 'Destination out (erase)', 'dest-atop': 'Destination atop', dest: 'Destination only',
  source: 'Source only', clear: 'Clear',
};

export default defineNode({
  type: 'image.paste',
  title: 'Paste Image',
  description:
    'Pastes an image onto a base image at X, Y, optionally through a mask (white pastes, black leaves the base) and with a blend mode. Parts that fall outside the base are cut off; the result has the size of the base.',
  category: 'image',
  tags: ['image', 'paste', 'composite', 'blend', 'overlay', 'layer'],
  version: '1.0.0',
  inputs: {
    baseImage: field.image({ title: 'Base image', description: 'The image pasted onto; it sets the size of the result' }),
    image: field.image({ title: 'Image', description: 'The image to paste', ui: { order: 1 } }),
    mask: field.image({
      title: 'Mask',
      description: 'Optional; where to paste: white pastes fully, black not at all, grey partly. Must be the size of the pasted image.',
      optional: true,
      ui: { order: 2 },
    }),
    x: field.integer({ title: 'X', description: 'Where the left edge of the pasted image goes; may be negative', default: 0, minimum: -MAX_IMAGE_SIDE, maximum: MAX_IMAGE_SIDE, ui: { order: 3 } }),
    y: field.integer({ title: 'Y', description: 'Where the top edge of the pasted image goes; may be negative', default: 0, minimum: -MAX_IMAGE_SIDE, maximum: MAX_IMAGE_SIDE, ui: { order: 4 } }),
    blend: field.enum(BLEND_MODES, {
      title: 'Blend mode',
      description: 'How the pasted pixels combine with the base; Normal lays them on top',
      default: 'over',
      ui: { order: 5, choiceLabels: BLEND_LABELS },
    }),
  },
  outputs: IMAGE_OUTPUTS,
  async invoke({ baseImage, image, mask, x, y, blend }, ctx) {
    const base = await readImage(ctx, baseImage, 'baseImage');
    const overlay = await readImage(ctx, image, 'image', { layout: 'rgba' });
    if (mask !== undefined) {
      const alpha = await readImage(ctx, mask, 'mask', { layout: 'grey' });
      checkSameSize(overlay, 'image', alpha, 'mask');
      multiplyAlpha(overlay, alpha);
    }
    const visible = await visiblePart(overlay, base, x, y);
    if (visible === undefined) return writeImage(ctx, base);
    const { pixels, left, top } = visible;
    const raw = { width: pixels.width, height: pixels.height, channels: 4 as const };
    return writeImage(ctx, fromPixels(base).composite([{ input: pixels.data, raw, left, top, blend }]));
  },
});

/** Scales the overlay's alpha by the mask, so black mask pixels paste nothing. */
function multiplyAlpha(overlay: Pixels, mask: Pixels): void {
  const { data } = overlay;
  for (let pixel = 0; pixel < mask.data.length; pixel++) {
    data[pixel * 4 + 3] = Math.round((data[pixel * 4 + 3]! * mask.data[pixel]!) / 255);
  }
}

/** The part of the overlay placed at x, y that lands on the base, or undefined when none does. */
async function visiblePart(overlay: Pixels, base: Pixels, x: number, y: number) {
  const left = Math.max(0, x);
  const top = Math.max(0, y);
  const right = Math.min(base.width, x + overlay.width);
  const bottom = Math.min(base.height, y + overlay.height);
  if (right <= left || bottom <= top) return undefined;
  const region = { left: left - x, top: top - y, width: right - left, height: bottom - top };
  const whole = region.width === overlay.width && region.height === overlay.height;
  const pixels = whole ? overlay : await toPixels(fromPixels(overlay).extract(region));
  return { pixels, left, top };
}
