/**
 * Turns image bytes from anywhere (an upload, a node's result) into what the gallery stores: a PNG
 * and a 256px WebP thumbnail. The type comes from the bytes; the size is checked from the header
 * before anything is decoded, and sharp's limitInputPixels guards the decode itself, so a small
 * file that would inflate to gigabytes of pixels (a decompression bomb) is refused cheaply.
 */
import sharp from 'sharp';
import { PinkseaError } from '../../engine/errors';
import { InvalidInputError, PayloadTooLargeError } from '../kernel/service-errors';
import { describeContent, sniffImageType, type ImageType } from './image-type';
import { DamagedPngError, sanitizePng } from './png-sanitize';

/** The most pixels a stored image may have: 64 megapixels (8192 × 8192), as the image nodes allow. */
export const MAX_IMAGE_PIXELS = 8192 * 8192;
export const THUMBNAIL_SIZE = 256;

export class UnsupportedImageError extends PinkseaError {
  override readonly name = 'UnsupportedImageError';
  constructor(message: string) {
    super('unsupported_media_type', message);
  }
}

export interface DecodedPng {
  readonly png: Buffer;
  readonly width: number;
  readonly height: number;
  readonly sourceType: ImageType;
}

/**
 * The image as a PNG. `reencode: false` keeps a PNG's bytes as they are (our own nodes' output);
 * anything else is decoded in full and written anew, which also drops whatever else the file
 * carried (EXIF, foreign chunks, trailing data).
 */
export async function decodeToPng(bytes: Uint8Array, options: { maxPixels: number; reencode: boolean }): Promise<DecodedPng> {
  const sourceType = sniffImageType(bytes);
  if (!sourceType) throw new UnsupportedImageError(`The file is ${describeContent(bytes)}; upload a PNG, JPEG or WebP image.`);
  const header = await sharp(bytes, { limitInputPixels: false })
    .metadata()
    .catch(() => {
      throw damaged(sourceType);
    });
  if (header.format !== sourceType) throw damaged(sourceType);
  const width = header.autoOrient?.width ?? header.width ?? 0;
  const height = header.autoOrient?.height ?? header.height ?? 0;
  checkPixels(width, height, options.maxPixels);
  if (sourceType === 'png' && !options.reencode) return { png: Buffer.from(bytes), width, height, sourceType };
  if (sourceType === 'png') {
    // Most uploads: checked and stripped without a decode and a deflate (png-sanitize.ts).
    const sanitized = await sanitizePng(bytes, options.maxPixels).catch((error: unknown) => {
      throw error instanceof DamagedPngError ? damaged(sourceType) : error;
    });
    if (sanitized) return { ...sanitized, sourceType };
  }
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: options.maxPixels, failOn: 'error', autoOrient: true })
      .png()
      .toBuffer({ resolveWithObject: true });
    return { png: data, width: info.width, height: info.height, sourceType };
  } catch (error) {
    throw decodeFailure(error, sourceType, width, height, options.maxPixels);
  }
}

/** A WebP at most THUMBNAIL_SIZE on its longer side; small images are not enlarged. */
export async function makeThumbnail(png: Uint8Array, maxPixels: number): Promise<Buffer> {
  try {
    return await sharp(png, { limitInputPixels: maxPixels, failOn: 'error' })
      .resize({ width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer();
  } catch (error) {
    throw decodeFailure(error, 'png', 0, 0, maxPixels);
  }
}

function checkPixels(width: number, height: number, maxPixels: number): void {
  if (width < 1 || height < 1) throw new InvalidInputError([{ code: 'invalid_image', field: 'file', message: 'the image has no pixels' }]);
  if (width * height > maxPixels) {
    throw new PayloadTooLargeError(
      `The image is ${width}×${height} pixels (${megapixels(width * height)}); images may have at most ${megapixels(maxPixels)}. Scale it down and upload it again.`,
    );
  }
}

function decodeFailure(error: unknown, type: ImageType, width: number, height: number, maxPixels: number): PinkseaError {
  if (error instanceof PinkseaError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(reason)) {
    return new PayloadTooLargeError(`The image is ${width}×${height} pixels; images may have at most ${megapixels(maxPixels)}.`);
  }
  return damaged(type);
}

function damaged(type: ImageType): InvalidInputError {
  const message = `the file starts like a ${type.toUpperCase()} image but cannot be decoded; it may be damaged or cut short`;
  return new InvalidInputError([{ code: 'invalid_image', field: 'file', message }]);
}

function megapixels(pixels: number): string {
  return pixels >= 1_000_000 ? `${(pixels / 1_048_576).toFixed(pixels % 1_048_576 === 0 ? 0 : 1)} megapixels` : `${pixels} pixels`;
}
