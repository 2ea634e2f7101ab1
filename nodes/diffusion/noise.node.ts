import { defineNode, field, output } from '@pinksea/node-sdk';
import { checkImageSize, saveLatents } from './src/latents';
import { gaussianNoise } from './src/noise';
import { LATENT_CHANNELS, MAX_IMAGE_SIDE, MIN_IMAGE_SIDE, VAE_FACTOR } from './src/sd-constants';

const size = (title: string, description: string, order: number) =>
  field.integer({ title, description, default: 512, minimum: MIN_IMAGE_SIDE, maximum: MAX_IMAGE_SIDE, multipleOf: VAE_FACTOR, ui: { order } });

export default defineNode({
  type: 'diffusion.noise',
  title: 'Noise',
  description:
    'Makes the seeded random noise a Stable Diffusion image starts from, sized for an image of the given width and height. The same seed and size always give the same noise, on every machine.',
  category: 'generation',
  tags: ['stable diffusion', 'noise', 'seed', 'latents', 'txt2img'],
  version: '1.0.0',
  inputs: {
    seed: field.seed({ description: 'Picks the noise; the same seed gives the same image' }),
    width: size('Width', 'Width of the image to make, in pixels (a multiple of 8)', 1),
    height: size('Height', 'Height of the image to make, in pixels (a multiple of 8)', 2),
  },
  outputs: {
    noise: output.latents({ title: 'Noise', description: 'Unit Gaussian noise, [1, 4, height / 8, width / 8]' }),
    width: output.integer({ title: 'Width', description: 'Width of the image, in pixels' }),
    height: output.integer({ title: 'Height', description: 'Height of the image, in pixels' }),
    seed: output.integer({ title: 'Seed', description: 'The seed used, for the sampler' }),
  },
  async invoke({ seed, width, height }, ctx) {
    checkImageSize(width, height, { width: 'width', height: 'height' });
    const latentWidth = width / VAE_FACTOR;
    const latentHeight = height / VAE_FACTOR;
    const data = gaussianNoise(seed, [1, LATENT_CHANNELS, latentHeight, latentWidth]);
    const noise = await saveLatents(ctx, { data, channels: LATENT_CHANNELS, height: latentHeight, width: latentWidth });
    return { noise, width, height, seed };
  },
});
