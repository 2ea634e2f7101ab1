import { defineNode, field, output } from '@pinksea/node-sdk';
import { mainModelInfo } from './src/sd-model';

export default defineNode({
  type: 'diffusion.main_model_loader',
  title: 'Main Model Loader',
  description:
    'Picks a Stable Diffusion model and hands on its parts: the UNet for denoising, the text encoder and tokenizer (CLIP) for prompts, and the VAE halves for turning latents into images and back.',
  category: 'generation',
  tags: ['stable diffusion', 'model', 'loader', 'unet', 'clip', 'vae'],
  version: '1.0.0',
  needs: { models: ['main'] },
  inputs: {
    model: field.model({
      title: 'Model',
      description: 'A Stable Diffusion model in the ONNX format',
      ui: { widget: 'model', modelFilter: { type: ['main'] } },
    }),
  },
  outputs: {
    unet: output.model({ title: 'UNet', description: 'The denoising network, for Denoise Latents' }),
    clip: output.model({ title: 'CLIP', description: 'The tokenizer and text encoder, for Prompt' }),
    textEncoder: output.model({ title: 'Text encoder', description: 'The text encoder alone' }),
    vaeDecoder: output.model({ title: 'VAE decoder', description: 'Turns latents into images, for Latents to Image' }),
    vaeEncoder: output.model({ title: 'VAE encoder', description: 'Turns images into latents, for Image to Latents' }),
  },
  async invoke({ model }, ctx) {
    const info = await mainModelInfo(ctx, model, 'model');
    const part = (submodel: string) => ({ key: info.key, base: info.base, type: info.type, submodel });
    return {
      unet: part('unet'),
      clip: part('text_encoder'),
      textEncoder: part('text_encoder'),
      vaeDecoder: part('vae_decoder'),
      vaeEncoder: part('vae_encoder'),
    };
  },
});
