import { defineNode, field, output } from '@pinksea/node-sdk';
import { checkImageSize, readLatents, resizeLatents, saveLatents } from './src/latents';
import { MAX_IMAGE_SIDE, MIN_IMAGE_SIDE, VAE_FACTOR } from './src/sd-constants';

const MODES = ['nearest', 'bilinear'] as const;
const size = (title: string, description: string, order: number) =>
  field.integer({ title, description, default: 1024, minimum: MIN_IMAGE_SIDE, maximum: MAX_IMAGE_SIDE, multipleOf: VAE_FACTOR, ui: { order } });

export default defineNode({
  type: 'diffusion.resize_latents',
  title: 'Resize Latents',
  description:
    'Scales latents to the size of a new image, for a high-resolution fix: resize, then denoise again from part-way (denoising start about 0.5) to add detail.',
  category: 'generation',
  tags: ['stable diffusion', 'latents', 'resize', 'upscale', 'hires fix'],
  version: '1.0.0',
  inputs: {
    latents: field.latents({ title: 'Latents', description: 'The latents to resize', input: 'connection' }),
    width: size('Width', 'Width of the image the result decodes to, in pixels (a multiple of 8)', 1),
    height: size('Height', 'Height of the image the result decodes to, in pixels (a multiple of 8)', 2),
    mode: field.enum(MODES, {
      title: 'Mode',
      description: 'Nearest copies cells; bilinear blends neighbouring cells',
      default: 'bilinear',
      ui: { order: 3 },
    }),
  },
  outputs: {
    latents: output.latents({ title: 'Latents', description: 'The resized latents, [1, 4, height / 8, width / 8]' }),
    width: output.integer({ title: 'Width', description: 'Width of the image they decode to, in pixels' }),
    height: output.integer({ title: 'Height', description: 'Height of the image they decode to, in pixels' }),
  },
  async invoke({ latents: ref, width, height, mode }, ctx) {
    checkImageSize(width, height, { width: 'width', height: 'height' });
    const latents = await readLatents(ctx, ref, 'latents');
    const resized = resizeLatents(latents, width / VAE_FACTOR, height / VAE_FACTOR, mode);
    return { latents: await saveLatents(ctx, resized), width, height };
  },
});
