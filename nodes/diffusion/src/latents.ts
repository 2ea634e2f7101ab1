/**
 * Latents as the diffusion nodes pass them: float32 tensors [1, 4, h, w], h and w an eighth of the
 * image's size. Reading (with the checks and the field named), saving, resizing and the RGB preview.
 */
import { NodeError, type NodeContext, type TensorRef } from '@pinksea/node-sdk';
import { LATENT_CHANNELS, MAX_IMAGE_SIDE, MIN_IMAGE_SIDE, SD1_LATENT_RGB_FACTORS, VAE_FACTOR } from './sd-constants';

export interface Latents {
  /** Row-major [1, channels, height, width]. */
  readonly data: Float32Array;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

export type LatentResizeMode = 'nearest' | 'bilinear';

/** Reads the latents of input `field`: a float32 tensor [1, 4, h, w]. */
export async function readLatents(ctx: NodeContext, ref: TensorRef, field: string): Promise<Latents> {
  const tensor = await ctx.tensors.get(ref).catch((error: unknown) => {
    if (error instanceof NodeError && error.field === undefined) throw new NodeError(error.code, error.message, { field, kind: error.kind });
    throw error;
  });
  const dims = tensor.dims;
  if (tensor.dtype !== 'float32' || dims.length !== 4 || dims[0] !== 1 || dims[1] !== LATENT_CHANNELS) {
    throw new NodeError(
      'invalid_latents',
      `"${field}" must be float32 latents of shape [1, ${LATENT_CHANNELS}, height, width]; got ${tensor.dtype} [${dims.join(', ')}].`,
      { field },
    );
  }
  return { data: tensor.data as Float32Array, channels: dims[1]!, height: dims[2]!, width: dims[3]! };
}

export function saveLatents(ctx: NodeContext, latents: Latents): Promise<TensorRef> {
  return ctx.tensors.save({ dtype: 'float32', dims: [1, latents.channels, latents.height, latents.width], data: latents.data });
}

/** Refuses image sizes that are not multiples of 8 or are outside 64..4096 pixels. */
export function checkImageSize(width: number, height: number, fields: { width: string; height: string }): void {
  for (const [value, field] of [
    [width, fields.width],
    [height, fields.height],
  ] as const) {
    if (!Number.isInteger(value) || value % VAE_FACTOR !== 0) {
      throw new NodeError('invalid_size', `"${field}" is ${value}; Stable Diffusion needs a multiple of ${VAE_FACTOR} pixels (e.g. ${roundTo8(value)}).`, { field });
    }
    if (value < MIN_IMAGE_SIDE || value > MAX_IMAGE_SIDE) {
      throw new NodeError('invalid_size', `"${field}" is ${value}; it must be between ${MIN_IMAGE_SIDE} and ${MAX_IMAGE_SIDE} pixels.`, { field });
    }
  }
}

function roundTo8(value: number): number {
  return Math.max(VAE_FACTOR, Math.round((Number.isFinite(value) ? value : 0) / VAE_FACTOR) * VAE_FACTOR);
}

/**
 * Latents resized to `width` × `height` cells, per channel. Bilinear samples at cell centres
 * (PyTorch's interpolate with align_corners=False); nearest picks floor(x · in / out) as PyTorch does.
 */
export function resizeLatents(latents: Latents, width: number, height: number, mode: LatentResizeMode): Latents {
  const { channels, width: inW, height: inH, data } = latents;
  const out = new Float32Array(channels * width * height);
  const sx = inW / width;
  const sy = inH / height;
  for (let c = 0; c < channels; c += 1) {
    const src = c * inW * inH;
    const dst = c * width * height;
    for (let y = 0; y < height; y += 1) {
      if (mode === 'nearest') {
        const row = src + Math.min(inH - 1, Math.floor(y * sy)) * inW;
        for (let x = 0; x < width; x += 1) out[dst + y * width + x] = data[row + Math.min(inW - 1, Math.floor(x * sx))]!;
        continue;
      }
      const fy = Math.min(inH - 1, Math.max(0, (y + 0.5) * sy - 0.5));
      const y0 = Math.floor(fy);
      const y1 = Math.min(inH - 1, y0 + 1);
      const wy = fy - y0;
      for (let x = 0; x < width; x += 1) {
        const fx = Math.min(inW - 1, Math.max(0, (x + 0.5) * sx - 0.5));
        const x0 = Math.floor(fx);
        const x1 = Math.min(inW - 1, x0 + 1);
        const wx = fx - x0;
        const top = data[src + y0 * inW + x0]! * (1 - wx) + data[src + y0 * inW + x1]! * wx;
        const bottom = data[src + y1 * inW + x0]! * (1 - wx) + data[src + y1 * inW + x1]! * wx;
        out[dst + y * width + x] = top * (1 - wy) + bottom * wy;
      }
    }
  }
  return { data: out, channels, width, height };
}

/**
 * A rough RGB picture of SD 1.x latents, one pixel per cell, for step previews: each cell through
 * SD1_LATENT_RGB_FACTORS after multiplying by `scale`, then (v + 1) / 2 clamped to bytes.
 */
export function latentsPreviewRgb(latents: Latents, scale = 1): Buffer {
  const plane = latents.width * latents.height;
  const rgb = Buffer.alloc(plane * 3);
  const channels = Math.min(latents.channels, SD1_LATENT_RGB_FACTORS.length);
  // The factors as one flat array, pre-scaled and halved: byte = clamp(0.5 + Σ f·x) · 255.
  const factors = new Float64Array(channels * 3);
  for (let c = 0; c < channels; c += 1) for (let k = 0; k < 3; k += 1) factors[c * 3 + k] = (SD1_LATENT_RGB_FACTORS[c]![k]! * scale) / 2;
  const data = latents.data;
  for (let p = 0; p < plane; p += 1) {
    let r = 0.5;
    let g = 0.5;
    let b = 0.5;
    for (let c = 0; c < channels; c += 1) {
      const x = data[c * plane + p]!;
      r += x * factors[c * 3]!;
      g += x * factors[c * 3 + 1]!;
      b += x * factors[c * 3 + 2]!;
    }
    rgb[p * 3] = Math.round(Math.min(1, Math.max(0, r)) * 255);
    rgb[p * 3 + 1] = Math.round(Math.min(1, Math.max(0, g)) * 255);
    rgb[p * 3 + 2] = Math.round(Math.min(1, Math.max(0, b)) * 255);
  }
  return rgb;
}
