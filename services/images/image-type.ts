/**
 * What an uploaded file is, from its first bytes: the Content-Type a client sends is not trusted.
 * Only PNG, JPEG and WebP are stored; for anything else the answer names what the file seems to
 * be, so the person uploading it knows what went wrong.
 */
export type ImageType = 'png' | 'jpeg' | 'webp';

export const ACCEPTED_IMAGE_TYPES: readonly ImageType[] = ['png', 'jpeg', 'webp'];

export function sniffImageType(bytes: Uint8Array): ImageType | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  return undefined;
}

/** A few words on what a file that is not an accepted image seems to be, for error messages. */
export function describeContent(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'empty';
  const head = ascii(bytes, 0, 16);
  if (head.startsWith('GIF8')) return 'a GIF image';
  if (head.startsWith('II*\0') || head.startsWith('MM\0*')) return 'a TIFF image';
  if (head.startsWith('BM')) return 'a BMP image';
  if (head.startsWith('%PDF')) return 'a PDF document';
  if (ascii(bytes, 4, 8) === 'ftyp') return 'an HEIC/AVIF or video file';
  if (head.startsWith('--')) return 'a multipart form (send the image file itself as the request body)';
  const text = Buffer.from(bytes.subarray(0, 512)).toString('utf8').trimStart().toLowerCase();
  if (text.startsWith('<svg') || (text.startsWith('<?xml') && text.includes('<svg'))) return 'an SVG image';
  if (text.startsWith('{') || text.startsWith('[')) return 'JSON';
  if (text.startsWith('<')) return 'an HTML or XML document';
  return 'not an image this server can read';
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, index) => bytes[index] === byte);
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return Buffer.from(bytes.subarray(from, to)).toString('latin1');
}
