/**
 * How the OCR pack reads an image: through the image pack's reader (same limits and errors),
 * flattened onto white so transparent text backgrounds read as paper, as RGB pixels.
 */
import type { ImageRef, NodeContext } from '@pinksea/node-sdk';
import { fromPixels, readImage, toPixels, type Pixels } from '@pinksea/nodes-image/image-io';
import sharp from 'sharp';

export async function readRgb(ctx: NodeContext, ref: ImageRef, field: string): Promise<Pixels> {
  const source = await readImage(ctx, ref, field, { layout: 'rgba' });
  return toPixels(fromPixels(source).flatten({ background: '#ffffff' }));
}

/** Resizes RGB pixels (Lanczos, as PaddleOCR's OpenCV resize would antialias poorly on big shrinks). */
export function resizeRgb(pixels: Pixels, width: number, height: number): Promise<Pixels> {
  const { data, channels } = pixels;
  const input = sharp(data, { raw: { width: pixels.width, height: pixels.height, channels: channels as 3 } });
  return toPixels(input.resize(width, height, { fit: 'fill' }));
}

/**
 * Packs RGB pixels into a float32 [1, 3, height, width] tensor in BGR order (PaddleOCR's models
 * were trained on OpenCV's BGR images), each channel as (value / 255 − mean) / std. Columns past
 * the image up to `paddedWidth` stay 0, as PaddleOCR pads recognition batches.
 */
export function toBgrTensor(pixels: Pixels, mean: readonly number[], std: readonly number[], paddedWidth = pixels.width): Float32Array {
  const { width, height, channels, data } = pixels;
  const plane = paddedWidth * height;
  const tensor = new Float32Array(3 * plane);
  for (let channel = 0; channel < 3; channel += 1) {
    const from = 2 - channel;
    const offset = channel * plane;
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) {
        tensor[offset + y * paddedWidth + x] = (data[(y * width + x) * channels + from]! / 255 - mean[channel]!) / std[channel]!;
      }
    }
  }
  return tensor;
}
