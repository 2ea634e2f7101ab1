/**
 * An inpainting mask read at latent resolution: greyscale, white repaints and black keeps, resized
 * to the latents' cells. A mask of another aspect ratio than the latents is refused rather than
 * stretched, since it would not line up with the picture it was drawn on.
 */
import { NodeError, type ImageRef, type NodeContext } from '@pinksea/node-sdk';
import { describeSize, readImage, toPixels, fromPixels } from '@pinksea/nodes-image/image-io';
import { VAE_FACTOR } from './sd-constants';

/** How far (in latent cells) a mask's shape may be from the latents' once scaled. */
const ALIGN_TOLERANCE_CELLS = 1;

/** The mask as one value 0..1 per latent cell (height × width, row-major). */
export async function readLatentMask(ctx: NodeContext, ref: ImageRef, width: number, height: number, field: string): Promise<Float32Array> {
  const pixels = await readImage(ctx, ref, field, { layout: 'grey' });
  // The mask's height scaled to the latents' width, compared with their height.
  const scaledHeight = (pixels.height * width) / pixels.width;
  if (Math.abs(scaledHeight - height) > ALIGN_TOLERANCE_CELLS) {
    throw new NodeError(
      'size_mismatch',
      `"${field}" is ${describeSize(pixels.width, pixels.height)} but the latents are for a ${describeSize(width * VAE_FACTOR, height * VAE_FACTOR)} image; draw the mask at the image's size.`,
      { field },
    );
  }
  const resized =
    pixels.width === width && pixels.height === height ? pixels : await toPixels(fromPixels(pixels).resize(width, height, { fit: 'fill', kernel: 'linear' }));
  const mask = new Float32Array(width * height);
  const stride = resized.channels;
  for (let i = 0; i < mask.length; i += 1) mask[i] = resized.data[i * stride]! / 255;
  return mask;
}
