/**
 * How the image pack reads and writes images: every node decodes its inputs and stores its results
 * here, so the limits, the accepted formats and the error messages are the same everywhere.
 *
 * Inputs are decoded in full, to raw pixels, as soon as they are read: a damaged file then fails
 * with the name of the input it came through, instead of later, inside some other operation.
 */
import sharp, { type Sharp } from 'sharp';
import { CanceledError, NodeError, output, type ImageFormat, type ImageRef, type NodeContext } from '@pinksea/node-sdk';

/** The most pixels a node decodes or produces: 64 megapixels (8192 × 8192), 256 MB as RGBA. */
export const MAX_IMAGE_PIXELS = 8192 * 8192;
/** The longest side of an image a node produces. */
export const MAX_IMAGE_SIDE = 16384;
/** What the image store holds; anything else (GIF, SVG, TIFF…) is refused, never rendered. */
const READABLE_FORMATS: readonly string[] = ['png', 'jpeg', 'webp'] satisfies ImageFormat[];

/**
 * How decoded pixels are laid out: `color` is sRGB with alpha kept where the file has it (3 or 4
 * channels), `rgba` always has alpha, `grey` is one channel of luminance with transparent areas
 * counted as black (how masks are read).
 */
export type PixelLayout = 'color' | 'rgba' | 'grey';

export interface Pixels {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
}

export interface ReadOptions {
  readonly layout?: PixelLayout;
  /** Lower than MAX_IMAGE_PIXELS for tests; never raised above it. */
  readonly maxPixels?: number;
}

/** What every node that makes an image returns. */
export interface ImageResult {
  image: ImageRef;
  width: number;
  height: number;
}

/** The outputs every image-producing node declares, spread into its `outputs`. */
export const IMAGE_OUTPUTS = {
  image: output.image({ title: 'Image', description: 'The resulting image' }),
  width: output.integer({ title: 'Width', description: 'Width of the resulting image, in pixels' }),
  height: output.integer({ title: 'Height', description: 'Height of the resulting image, in pixels' }),
} as const;

export function throwIfCanceled(ctx: NodeContext): void {
  if (ctx.signal.aborted) throw new CanceledError();
}

/** Reads the image of input `field`, decoded to raw pixels in `layout`. */
export async function readImage(ctx: NodeContext, ref: ImageRef, field: string, options: ReadOptions = {}): Promise<Pixels> {
  throwIfCanceled(ctx);
  const maxPixels = Math.min(options.maxPixels ?? MAX_IMAGE_PIXELS, MAX_IMAGE_PIXELS);
  const stored = await ctx.images.get(ref).catch((error: unknown) => {
    // The store does not know which input asked; name it, so the editor marks the right socket.
    if (error instanceof NodeError && error.field === undefined) throw new NodeError(error.code, error.message, { field, kind: error.kind });
    throw error;
  });
  const name = ref.imageName;
  const header = await sharp(stored.data, { limitInputPixels: false })
    .metadata()
    .catch((error: unknown) => {
      ctx.logger.warn(`The image "${name}" cannot be read`, { field, reason: reasonOf(error) });
      throw notAnImage(name, field);
    });
  if (!READABLE_FORMATS.includes(header.format)) throw notAnImage(name, field, header.format);
  const width = header.width ?? 0;
  const height = header.height ?? 0;
  if (width * height > maxPixels) throw tooLargeInput(name, field, width, height, maxPixels);

  throwIfCanceled(ctx);
  const decoder = sharp(stored.data, { limitInputPixels: maxPixels, failOn: 'error', autoOrient: true });
  try {
    return await toPixels(applyLayout(decoder, options.layout ?? 'color'));
  } catch (error) {
    if (/pixel limit/i.test(reasonOf(error))) throw tooLargeInput(name, field, width, height, maxPixels);
    ctx.logger.warn(`The image "${name}" cannot be decoded`, { field, reason: reasonOf(error) });
    throw notAnImage(name, field);
  }
}

/** Runs a sharp pipeline to raw pixels. */
export async function toPixels(pipeline: Sharp): Promise<Pixels> {
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** A sharp pipeline over raw pixels; one-channel pixels stay greyscale when written. */
export function fromPixels(pixels: Pixels): Sharp {
  const { width, height, channels } = pixels;
  const pipeline = sharp(pixels.data, { raw: { width, height, channels: channels as 1 | 2 | 3 | 4 } });
  return channels <= 2 ? pipeline.toColourspace('b-w') : pipeline;
}

export interface WriteOptions {
  readonly format?: ImageFormat;
  /** 1..100, for JPEG and WebP. */
  readonly quality?: number;
}

/** Encodes a pipeline (PNG unless told otherwise) and saves it as an intermediate image. */
export async function writeImage(ctx: NodeContext, image: Sharp | Pixels, options: WriteOptions = {}): Promise<ImageResult> {
  throwIfCanceled(ctx);
  const pipeline = 'data' in image ? fromPixels(image) : image;
  const format = options.format ?? 'png';
  const encoder =
    format === 'jpeg' ? pipeline.jpeg({ quality: options.quality ?? 90 })
    : format === 'webp' ? pipeline.webp({ quality: options.quality ?? 90 })
    : pipeline.png();
  const { data, info } = await encoder.toBuffer({ resolveWithObject: true });
  throwIfCanceled(ctx);
  const ref = await ctx.images.save({ data, format, width: info.width, height: info.height, intermediate: true });
  return { image: ref, width: info.width, height: info.height };
}

/**
 * Refuses a result size no node should make: a side over MAX_IMAGE_SIDE, or more than
 * MAX_IMAGE_PIXELS in all. `field` is the input that asked for it; given the width and height
 * inputs, the error names the one that is over, or the larger.
 */
export function checkOutputSize(width: number, height: number, fields: string | { width: string; height: string }): void {
  const field = typeof fields === 'string' ? fields : width >= height ? fields.width : fields.height;
  if (!Number.isFinite(width) || !Number.isFinite(height) || width < 1 || height < 1) {
    throw new NodeError('invalid_size', `The result would be ${describeSize(width, height)}; it needs at least one pixel each way.`, { field });
  }
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    throw new NodeError(
      'image_too_large',
      `The result would be ${describeSize(width, height)}; images can be at most ${MAX_IMAGE_SIDE} pixels on a side and ${megapixels(MAX_IMAGE_PIXELS)} in all.`,
      { field },
    );
  }
}

/** Inputs that are combined pixel by pixel must be the same size. */
export function checkSameSize(reference: Pixels, referenceField: string, other: Pixels, otherField: string): void {
  if (reference.width === other.width && reference.height === other.height) return;
  throw new NodeError(
    'size_mismatch',
    `"${otherField}" is ${describeSize(other.width, other.height)} but "${referenceField}" is ${describeSize(reference.width, reference.height)}; they must be the same size.`,
    { field: otherField },
  );
}

export function describeSize(width: number, height: number): string {
  return `${width}×${height} pixels`;
}

function applyLayout(decoder: Sharp, layout: PixelLayout): Sharp {
  if (layout === 'grey') return decoder.flatten({ background: '#000000' }).toColourspace('b-w');
  if (layout === 'rgba') return decoder.toColourspace('srgb').ensureAlpha();
  return decoder.toColourspace('srgb');
}

function notAnImage(name: string, field: string, format?: string): NodeError {
  const what = format ? `is a ${format.toUpperCase()} file, and only PNG, JPEG and WebP images are read` : 'is not a PNG, JPEG or WebP image, or the file is damaged';
  return new NodeError('invalid_image', `The image "${name}" given to "${field}" ${what}.`, { field });
}

function tooLargeInput(name: string, field: string, width: number, height: number, maxPixels: number): NodeError {
  return new NodeError(
    'image_too_large',
    `The image "${name}" given to "${field}" is ${describeSize(width, height)}; images up to ${megapixels(maxPixels)} can be processed.`,
    { field },
  );
}

function megapixels(pixels: number): string {
  return pixels >= 2 ** 20 ? `${Math.round(pixels / 2 ** 20)} megapixels` : `${pixels} pixels`;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
