import { defineNode, field } from '@pinksea/node-sdk';
import { checkOutputSize, fromPixels, IMAGE_OUTPUTS, MAX_IMAGE_SIDE, readImage, writeImage } from './image-io';

const FITS = ['fill', 'contain', 'cover', 'inside', 'outside'] as const;
const KERNELS = ['nearest', 'linear', 'cubic', 'mitchell', 'lanczos2', 'lanczos3', 'mks2013', 'mks2021'] as const;
type Fit = (typeof FITS)[number];
const SIZE_FIELDS = { width: 'width', height: 'height' };

export default defineNode({
  type: 'image.resize',
  title: 'Resize Image',
  description:
    'Scales an image to a new size. "Fill" stretches it to exactly that size; "Contain" fits it inside and pads the rest with the background color; "Cover" fills the size and crops the overflow; "Inside" and "Outside" keep the proportions, at most or at least that size.',
  category: 'image',
  tags: ['image', 'resize', 'scale', 'upscale', 'downscale'],
  version: '1.0.0',
  inputs: {
    image: field.image({ title: 'Image', description: 'The image to resize' }),
    width: field.integer({ title: 'Width', description: 'Target width, in pixels', default: 512, minimum: 1, maximum: MAX_IMAGE_SIDE, ui: { order: 1 } }),
    height: field.integer({ title: 'Height', description: 'Target height, in pixels', default: 512, minimum: 1, maximum: MAX_IMAGE_SIDE, ui: { order: 2 } }),
    fit: field.enum(FITS, {
      title: 'Fit',
      description: 'How the image fits the target size when the proportions differ',
      default: 'fill',
      ui: {
        order: 3,
        choiceLabels: {
          fill: 'Fill (stretch)',
          contain: 'Contain (pad)',
          cover: 'Cover (crop)',
          inside: 'Inside (keep proportions, at most)',
          outside: 'Outside (keep proportions, at least)',
        },
      },
    }),
    kernel: field.enum(KERNELS, {
      title: 'Resampling',
      description: 'The filter used to compute new pixels; Lanczos 3 is sharp, Nearest keeps hard pixel edges',
      default: 'lanczos3',
      ui: {
        order: 4,
        choiceLabels: {
          nearest: 'Nearest (pixel art)',
          linear: 'Bilinear',
          cubic: 'Bicubic',
          mitchell: 'Mitchell',
          lanczos2: 'Lanczos 2',
          lanczos3: 'Lanczos 3',
          mks2013: 'Magic Kernel Sharp 2013',
          mks2021: 'Magic Kernel Sharp 2021',
        },
      },
    }),
    background: field.color({
      title: 'Background',
      description: 'Fills the padding that "Contain" adds',
      default: { r: 0, g: 0, b: 0, a: 0 },
      ui: { order: 5 },
    }),
  },
  outputs: IMAGE_OUTPUTS,
  async invoke({ image, width, height, fit, kernel, background }, ctx) {
    checkOutputSize(width, height, SIZE_FIELDS);
    const source = await readImage(ctx, image, 'image', { layout: fit === 'contain' && background.a < 255 ? 'rgba' : 'color' });
    const [outWidth, outHeight] = resultSize(source.width, source.height, width, height, fit);
    checkOutputSize(outWidth, outHeight, SIZE_FIELDS);
    const resized = fromPixels(source).resize({
      width,
      height,
      fit,
      kernel,
      background: { r: background.r, g: background.g, b: background.b, alpha: background.a / 255 },
    });
    return writeImage(ctx, resized);
  },
});

/** The size sharp will produce: "inside" and "outside" keep the proportions, the rest hit the target. */
function resultSize(sourceWidth: number, sourceHeight: number, width: number, height: number, fit: Fit): [number, number] {
  if (fit !== 'inside' && fit !== 'outside') return [width, height];
  const pick = fit === 'inside' ? Math.min : Math.max;
  const scale = pick(width / sourceWidth, height / sourceHeight);
  return [Math.max(1, Math.round(sourceWidth * scale)), Math.max(1, Math.round(sourceHeight * scale))];
}
