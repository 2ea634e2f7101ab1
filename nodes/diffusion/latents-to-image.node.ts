import { defineNode, field } from '@pinksea/node-sdk';
import { checkOutputSize, IMAGE_OUTPUTS, throwIfCanceled, writeImage } from '@pinksea/nodes-image/image-io';
import { readLatents } from './src/latents';
import { VAE_FACTOR } from './src/sd-constants';
import { loadPart } from './src/sd-model';
import { decodeLatents, toRgbBytes } from './src/vae-decode';

export default defineNode({
  type: 'diffusion.latents_to_image',
  title: 'Latents to Image',
  description:
    'Decodes latents into an image with the VAE decoder. Tiled decoding handles large images in 512-pixel tiles blended over their overlap, using far less memory.',
  category: 'generation',
  tags: ['stable diffusion', 'vae', 'decode', 'latents', 'image'],
  version: '1.0.0',
  needs: { gpu: true, models: ['main'] },
  inputs: {
    vae: field.model({ title: 'VAE', description: 'The VAE decoder, from the model loader', input: 'connection' }),
    latents: field.latents({ title: 'Latents', description: 'The latents to decode', input: 'connection' }),
    tiled: field.boolean({ title: 'Tiled', description: 'Decode images larger than 512 pixels in overlapping tiles, to save memory', default: false, ui: { order: 1 } }),
  },
  outputs: IMAGE_OUTPUTS,
  async invoke({ vae, latents: ref, tiled }, ctx) {
    const latents = await readLatents(ctx, ref, 'latents');
    checkOutputSize(latents.width * VAE_FACTOR, latents.height * VAE_FACTOR, 'latents');
    const session = await loadPart(ctx, vae, 'vae_decoder', 'vae');
    throwIfCanceled(ctx);
    const decoded = await decodeLatents(session, latents, { tiled, field: 'vae', checkCanceled: () => throwIfCanceled(ctx) });
    return writeImage(ctx, { data: toRgbBytes(decoded), width: decoded.width, height: decoded.height, channels: 3 });
  },
});
