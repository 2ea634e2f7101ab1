/**
 * Latents to pixels through the VAE decoder: whole, or in overlapping tiles blended linearly across
 * the overlap, so large images decode in bounded memory. Values come back in the decoder's −1..1.
 */
import { NodeError } from '@pinksea/node-sdk';
import * as ort from 'onnxruntime-node';
import type { Latents } from './latents';
import { LATENT_SCALE, VAE_FACTOR } from './sd-constants';

/** Tile side and overlap, in latent cells (512 and 64 pixels). */
export const TILE_LATENTS = 64;
export const TILE_OVERLAP_LATENTS = 8;

export interface DecodedImage {
  /** Row-major [3, height, width], about −1..1. */
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
}

export interface DecodeOptions {
  readonly tiled?: boolean;
  readonly field: string;
  /** Called between tiles, to stop a canceled run. */
  readonly checkCanceled?: () => void;
}

export async function decodeLatents(session: ort.InferenceSession, latents: Latents, options: DecodeOptions): Promise<DecodedImage> {
  const width = latents.width * VAE_FACTOR;
  const height = latents.height * VAE_FACTOR;
  if (!options.tiled || (latents.width <= TILE_LATENTS && latents.height <= TILE_LATENTS)) {
    return { data: await decodeTile(session, latents, options.field), width, height };
  }
  const out = new Float32Array(3 * width * height);
  const weights = new Float32Array(width * height);
  const xs = tileStarts(latents.width);
  const ys = tileStarts(latents.height);
  for (const y0 of ys) {
    for (const x0 of xs) {
      options.checkCanceled?.();
      const tw = Math.min(TILE_LATENTS, latents.width);
      const th = Math.min(TILE_LATENTS, latents.height);
      const pixels = await decodeTile(session, cropLatents(latents, x0, y0, tw, th), options.field);
      const pw = tw * VAE_FACTOR;
      const ph = th * VAE_FACTOR;
      const rampX = ramp(pw, x0 > 0, x0 + tw < latents.width);
      const rampY = ramp(ph, y0 > 0, y0 + th < latents.height);
      for (let y = 0; y < ph; y += 1) {
        const row = (y0 * VAE_FACTOR + y) * width + x0 * VAE_FACTOR;
        for (let x = 0; x < pw; x += 1) {
          const w = rampX[x]! * rampY[y]!;
          weights[row + x] += w;
          for (let c = 0; c < 3; c += 1) out[c * width * height + row + x] += w * pixels[c * pw * ph + y * pw + x]!;
        }
      }
    }
  }
  for (let i = 0; i < weights.length; i += 1) {
    for (let c = 0; c < 3; c += 1) out[c * weights.length + i] = out[c * weights.length + i]! / weights[i]!;
  }
  return { data: out, width, height };
}

/** Starts of tiles of TILE_LATENTS that overlap by at least TILE_OVERLAP_LATENTS and end at `size`. */
export function tileStarts(size: number): number[] {
  if (size <= TILE_LATENTS) return [0];
  const stride = TILE_LATENTS - TILE_OVERLAP_LATENTS;
  const count = Math.ceil((size - TILE_LATENTS) / stride) + 1;
  // Spread the tiles evenly, so every overlap is at least the minimum.
  return Array.from({ length: count }, (_, i) => Math.round((i * (size - TILE_LATENTS)) / (count - 1)));
}

/**
 * Blend weights along one side of a tile: rising over the overlap where a neighbour comes before,
 * falling where one comes after, never zero (so every pixel has some weight).
 */
function ramp(length: number, before: boolean, after: boolean): Float32Array {
  const overlap = TILE_OVERLAP_LATENTS * VAE_FACTOR;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i += 1) {
    let w = 1;
    if (before) w = Math.min(w, (i + 0.5) / overlap);
    if (after) w = Math.min(w, (length - i - 0.5) / overlap);
    out[i] = w;
  }
  return out;
}

function cropLatents(latents: Latents, x0: number, y0: number, width: number, height: number): Latents {
  const data = new Float32Array(latents.channels * width * height);
  for (let c = 0; c < latents.channels; c += 1) {
    for (let y = 0; y < height; y += 1) {
      const from = c * latents.width * latents.height + (y0 + y) * latents.width + x0;
      data.set(latents.data.subarray(from, from + width), c * width * height + y * width);
    }
  }
  return { data, channels: latents.channels, width, height };
}

/** Unscales the latents (÷ LATENT_SCALE) and runs the decoder: [3, 8h, 8w]. */
async function decodeTile(session: ort.InferenceSession, latents: Latents, field: string): Promise<Float32Array> {
  const scaled = latents.data.map((value) => value / LATENT_SCALE);
  const inputName = session.inputNames.includes('latent_sample') ? 'latent_sample' : session.inputNames[0]!;
  const outputName = session.outputNames.includes('sample') ? 'sample' : session.outputNames[0]!;
  const result = (await session.run({ [inputName]: new ort.Tensor('float32', scaled, [1, latents.channels, latents.height, latents.width]) }))[outputName];
  const expected = [1, 3, latents.height * VAE_FACTOR, latents.width * VAE_FACTOR];
  if (!(result instanceof ort.Tensor) || result.type !== 'float32' || result.dims.join() !== expected.join()) {
    const got = result instanceof ort.Tensor ? `${result.type} [${result.dims.join(', ')}]` : 'not a tensor';
    throw new NodeError('unsupported_model', `The VAE decoder should return float32 [${expected.join(', ')}] but returned ${got}.`, { field });
  }
  return result.data as Float32Array;
}

/** −1..1 planes to interleaved 8-bit RGB: clamp((x + 1) / 2) · 255. */
export function toRgbBytes(image: DecodedImage): Buffer {
  const plane = image.width * image.height;
  const rgb = Buffer.alloc(plane * 3);
  for (let p = 0; p < plane; p += 1) {
    for (let c = 0; c < 3; c += 1) {
      const unit = (image.data[c * plane + p]! + 1) / 2;
      rgb[p * 3 + c] = Math.round(Math.min(1, Math.max(0, Number.isNaN(unit) ? 0 : unit)) * 255);
    }
  }
  return rgb;
}
