import { defineNode, field, NodeError, output } from '@pinksea/node-sdk';
import { describeSize, readImage, throwIfCanceled } from '@pinksea/nodes-image/image-io';
import * as ort from 'onnxruntime-node';
import { saveLatents } from './src/latents';
import { LATENT_CHANNELS, LATENT_SCALE, VAE_FACTOR } from './src/sd-constants';
import { loadPart } from './src/sd-model';

export default defineNode({
  type: 'diffusion.image_to_latents',
  title: 'Image to Latents',
  description:
    'Encodes an image into latents with the VAE encoder, for image to image and inpainting. Width and height must be multiples of 8 pixels; transparency is ignored.',
  category: 'generation',
  tags: ['stable diffusion', 'vae', 'encode', 'latents', 'img2img', 'inpaint'],
  version: '1.0.0',
  needs: { gpu: true, models: ['main'] },
  inputs: {
    vae: field.model({ title: 'VAE', description: 'The VAE encoder, from the model loader', input: 'connection' }),
    image: field.image({ title: 'Image', description: 'The image to encode (sides a multiple of 8 pixels)' }),
  },
  outputs: {
    latents: output.latents({ title: 'Latents', description: 'The encoded image, [1, 4, height / 8, width / 8]' }),
    width: output.integer({ title: 'Width', description: 'Width of the image, in pixels' }),
    height: output.integer({ title: 'Height', description: 'Height of the image, in pixels' }),
  },
  async invoke({ vae, image }, ctx) {
    const pixels = await readImage(ctx, image, 'image', { layout: 'color' });
    const { width, height, channels } = pixels;
    if (width % VAE_FACTOR !== 0 || height % VAE_FACTOR !== 0) {
      throw new NodeError(
        'invalid_size',
        `"image" is ${describeSize(width, height)}; Stable Diffusion needs sides that are multiples of ${VAE_FACTOR}. Resize or crop it first.`,
        { field: 'image' },
      );
    }
    const plane = width * height;
    const input = new Float32Array(3 * plane);
    for (let p = 0; p < plane; p += 1) {
      for (let c = 0; c < 3; c += 1) input[c * plane + p] = (pixels.data[p * channels + c]! / 255) * 2 - 1;
    }
    const session = await loadPart(ctx, vae, 'vae_encoder', 'vae');
    throwIfCanceled(ctx);
    const inputName = session.inputNames.includes('sample') ? 'sample' : session.inputNames[0]!;
    const outputName = session.outputNames.includes('latent_sample') ? 'latent_sample' : session.outputNames[0]!;
    const result = (await session.run({ [inputName]: new ort.Tensor('float32', input, [1, 3, height, width]) }))[outputName];
    const expected = [1, LATENT_CHANNELS, height / VAE_FACTOR, width / VAE_FACTOR];
    if (!(result instanceof ort.Tensor) || result.type !== 'float32' || result.dims.join() !== expected.join()) {
      const got = result instanceof ort.Tensor ? `${result.type} [${result.dims.join(', ')}]` : 'not a tensor';
      throw new NodeError('unsupported_model', `The VAE encoder should return float32 [${expected.join(', ')}] but returned ${got}.`, { field: 'vae' });
    }
    const data = (result.data as Float32Array).map((value) => value * LATENT_SCALE);
    const latents = await saveLatents(ctx, { data, channels: LATENT_CHANNELS, height: expected[2]!, width: expected[3]! });
    return { latents, width, height };
  },
});
