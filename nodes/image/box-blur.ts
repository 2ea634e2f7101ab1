/**
 * A box blur on raw 8-bit pixels: every pixel becomes the mean of the (2r+1)² square around it,
 * edges extended. Done as two one-dimensional running sums, so the cost does not grow with the
 * radius (sharp's convolve would need a (2r+1)² kernel). Colours are premultiplied by alpha while
 * blurring, so transparent pixels do not bleed their hidden color into the edges.
 */
import type { Pixels } from './image-io';

export function boxBlur(source: Pixels, radius: number): Pixels {
  const { width, height, channels } = source;
  const hasAlpha = channels === 2 || channels === 4;
  const data = Buffer.from(source.data);
  if (hasAlpha) premultiply(data, channels);
  const across = Buffer.alloc(data.length);
  for (let row = 0; row < height; row++) blurRow(data, across, row * width * channels, width, channels, radius);
  blurColumns(across, data, width * channels, height, radius);
  if (hasAlpha) unpremultiply(data, channels);
  return { data, width, height, channels };
}

/** One row, each channel on its own: a running sum over the window, the edge pixels repeated. */
function blurRow(from: Buffer, to: Buffer, start: number, length: number, channels: number, radius: number): void {
  const size = 2 * radius + 1;
  const last = length - 1;
  for (let channel = 0; channel < channels; channel++) {
    const base = start + channel;
    const firstLevel = from[base]!;
    const lastLevel = from[base + last * channels]!;
    let sum = firstLevel * (radius + 1);
    for (let index = 1; index <= radius; index++) sum += from[base + Math.min(index, last) * channels]!;
    for (let index = 0; index < length; index++) {
      to[base + index * channels] = (sum / size + 0.5) | 0;
      const entering = index + radius + 1;
      const leaving = index - radius;
      sum += (entering > last ? lastLevel : from[base + entering * channels]!) - (leaving < 0 ? firstLevel : from[base + leaving * channels]!);
    }
  }
}

/** All columns at once, row by row (cache-friendly): one running sum per byte of a row. */
function blurColumns(from: Buffer, to: Buffer, rowBytes: number, height: number, radius: number): void {
  const size = 2 * radius + 1;
  const last = height - 1;
  const sums = new Float64Array(rowBytes);
  const rowAt = (row: number) => Math.min(last, Math.max(0, row)) * rowBytes;
  for (let offset = -radius; offset <= radius; offset++) {
    const at = rowAt(offset);
    for (let byte = 0; byte < rowBytes; byte++) sums[byte] += from[at + byte]!;
  }
  for (let row = 0; row < height; row++) {
    const out = row * rowBytes;
    const entering = rowAt(row + radius + 1);
    const leaving = rowAt(row - radius);
    for (let byte = 0; byte < rowBytes; byte++) {
      to[out + byte] = (sums[byte]! / size + 0.5) | 0;
      sums[byte] += from[entering + byte]! - from[leaving + byte]!;
    }
  }
}

function premultiply(data: Buffer, channels: number): void {
  for (let pixel = 0; pixel < data.length; pixel += channels) {
    const alpha = data[pixel + channels - 1]!;
    for (let channel = 0; channel < channels - 1; channel++) data[pixel + channel] = Math.round((data[pixel + channel]! * alpha) / 255);
  }
}

function unpremultiply(data: Buffer, channels: number): void {
  for (let pixel = 0; pixel < data.length; pixel += channels) {
    const alpha = data[pixel + channels - 1]!;
    if (alpha === 0) continue;
    for (let channel = 0; channel < channels - 1; channel++) {
      data[pixel + channel] = Math.min(255, Math.round((data[pixel + channel]! * 255) / alpha));
    }
  }
}
