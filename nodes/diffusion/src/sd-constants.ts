/** Numbers every Stable Diffusion 1.x/2.x pipeline shares. */

/** SD 1.x/2.x VAE scaling: latents = encoder output × this; the decoder takes latents ÷ this. */
export const LATENT_SCALE = 0.18215;
/** Channels of an SD latent. */
export const LATENT_CHANNELS = 4;
/** Pixels per latent cell on each side. */
export const VAE_FACTOR = 8;
/** The smallest and largest image side the diffusion nodes make, in pixels. */
export const MIN_IMAGE_SIDE = 64;
export const MAX_IMAGE_SIDE = 4096;

/**
 * The SD 1.x latent → RGB approximation InvokeAI uses for step previews: rgb = latent · M, then
 * (rgb + 1) / 2. Rows are latent channels, columns R, G, B.
 */
export const SD1_LATENT_RGB_FACTORS: readonly (readonly [number, number, number])[] = Object.freeze([
  [0.3512, 0.2297, 0.3227],
  [0.325, 0.4974, 0.235],
  [-0.2829, 0.1762, 0.2721],
  [-0.212, -0.2616, -0.7177],
]);

/** The parts of a diffusers ONNX Stable Diffusion folder, by their sub-folder names. */
export const SD_SUBMODELS = ['unet', 'text_encoder', 'vae_decoder', 'vae_encoder'] as const;
export type SdSubmodel = (typeof SD_SUBMODELS)[number];
