/**
 * What the image pack's specs share: small generated images put into a memory image store,
 * results read back as raw pixels, so specs assert on real pixels. Invoking nodes: nodes/sdk/testing.
 */
import { crc32, deflateSync } from 'node:zlib';
import type { ImageFormat, ImageRef } from '@pinksea/node-sdk';
import type { MemoryContextHost } from '@pinksea/node-sdk/testing';
import sharp, { type Sharp } from 'sharp';

export interface Rgba {
  readonly r: number;
  readonly g: number;
  readonly b: number;
  readonly alpha?: number;
}

/** A solid image; 3 channels unless the color has alpha or `channels` says 4. */
export function solid(width: number, height: number, color: Rgba, channels: 3 | 4 = color.alpha === undefined ? 3 : 4): Sharp {
  return sharp({ create: { width, height, channels, background: color } });
}

/** An image from raw pixels, `channels` values per pixel, row by row. */
export function fromRaw(width: number, height: number, channels: 1 | 2 | 3 | 4, values: readonly number[]): Sharp {
  const image = sharp(Buffer.from(values), { raw: { width, height, channels } });
  return channels <= 2 ? image.toColourspace('b-w') : image;
}

/** Encodes the image and puts it into the host's image store. */
export async function storeImage(host: MemoryContextHost, image: Sharp, format: ImageFormat = 'png'): Promise<ImageRef> {
  const { data, info } = await image.toFormat(format).toBuffer({ resolveWithObject: true });
  return host.images.save({ data, format, width: info.width, height: info.height, intermediate: false });
}

/** Puts arbitrary bytes into the store, claiming they are an image. */
export function storeBytes(host: MemoryContextHost, bytes: Uint8Array, format: ImageFormat = 'png'): Promise<ImageRef> {
  return host.images.save({ data: bytes, format, width: 1, height: 1, intermediate: false });
}

export interface Decoded {
  readonly format: string | undefined;
  readonly width: number;
  readonly height: number;
  /** The channels the file holds: 1 greyscale, 2 greyscale and alpha, 3 RGB, 4 RGBA. */
  readonly channels: number;
  readonly intermediate: boolean;
  /** The channel values of the pixel at x, y. */
  at(x: number, y: number): number[];
}

/** Reads a stored image back: its real format (from the bytes), size, channels and pixels. */
export async function decode(host: MemoryContextHost, ref: ImageRef): Promise<Decoded> {
  const stored = host.images.images.get(ref.imageName);
  if (!stored) throw new TypeError(`no stored image ${ref.imageName}`);
  const { format, channels: storedChannels } = await sharp(stored.data).metadata();
  // sharp's raw output turns greyscale into sRGB unless told otherwise; keep what the file holds.
  const reader = sharp(stored.data).toColourspace(storedChannels <= 2 ? 'b-w' : 'srgb');
  const { data, info } = await reader.raw().toBuffer({ resolveWithObject: true });
  const { width, height, channels } = info;
  return {
    format,
    width,
    height,
    channels,
    intermediate: stored.intermediate,
    at: (x, y) => [...data.subarray((y * width + x) * channels, (y * width + x + 1) * channels)],
  };
}

/** A small PNG whose header claims it is `width` × `height`; its pixel data is far too short. */
export function pngHeaderClaiming(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.alloc(64))), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, body: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}
