/**
 * Whether downloaded bytes are an image the platform stores (PNG, JPEG or WebP), judged by their
 * first bytes, never by the Content-Type a server sends; then its size, read from the header
 * alone, so a bomb of a billion pixels is refused without being decoded. The same magic bytes as
 * the upload route's services/images/image-type.ts (packs cannot import services).
 */
import sharp from 'sharp';
import { NodeError, type ImageFormat, type ImageRef, type NodeContext } from '@pinksea/node-sdk';

/** As the image pack: 64 megapixels (8192 × 8192). */
export const MAX_IMAGE_PIXELS = 8192 * 8192;

export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  const starts = (prefix: readonly number[]) => bytes.length >= prefix.length && prefix.every((byte, index) => bytes[index] === byte);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (starts([0xff, 0xd8, 0xff])) return 'jpeg';
  if (starts([0x52, 0x49, 0x46, 0x46]) && bytes.length >= 12 && Buffer.from(bytes.subarray(8, 12)).toString('latin1') === 'WEBP') return 'webp';
  return undefined;
}

export interface SavedImage {
  readonly image: ImageRef;
  readonly width: number;
  readonly height: number;
}

/** Stores the bytes as an intermediate image; a NodeError naming `field` when they are no PNG, JPEG or WebP image. */
export async function saveImageBytes(ctx: NodeContext, bytes: Uint8Array, field: string, contentType: string | undefined): Promise<SavedImage> {
  const format = sniffImageFormat(bytes);
  const sent = contentType ? ` (sent as ${contentType.slice(0, 100)})` : '';
  if (!format) throw new NodeError('not_an_image', `The answer is not a PNG, JPEG or WebP image${sent}`, { field });
  const header = await sharp(bytes, { limitInputPixels: false })
    .metadata()
    .catch(() => {
      throw new NodeError('not_an_image', `The answer starts like a ${format.toUpperCase()} image but cannot be read${sent}`, { field });
    });
  const width = header.width ?? 0;
  const height = header.height ?? 0;
  if (width < 1 || height < 1) throw new NodeError('not_an_image', `The answer is a ${format.toUpperCase()} image without a size`, { field });
  if (width * height > MAX_IMAGE_PIXELS) throw new NodeError('image_too_large', `The image is ${width} × ${height} pixels, more than the 8192 × 8192 pixels a node may take`, { field });
  const image = await ctx.images.save({ data: bytes, format, width, height, intermediate: true });
  return { image, width, height };
}
