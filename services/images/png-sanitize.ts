/**
 * An uploaded PNG made safe to keep without decoding and re-encoding it: every chunk checked
 * against its CRC, the header checked, the image data inflated (off the event loop) to exactly the
 * size the header promises with a valid filter on every row, and every chunk but those that say
 * how to draw the pixels dropped (text, EXIF, foreign chunks, trailing data), as a re-encode would.
 * A re-encode costs a full decode and a deflate (7 ms for a 512x512 photo, and most of an
 * upload's time); this costs an inflate. PNGs whose pixels a re-encode would change (an ICC
 * profile converted to sRGB, an EXIF orientation applied, animation frames dropped), 16-bit or
 * interlaced ones are left to the re-encode: `undefined`.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { encodeChunk, isPng, readChunks, type PngChunk } from './png-text-chunks';

const inflate = promisify(zlib.inflate);
/** Images whose pixels take at most this are inflated on the event loop (about a millisecond). */
const INFLATE_HERE_BYTES = 4 * 1024 * 1024;
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Chunks kept: the pixels and how to show them. */
const KEPT = new Set(['IHDR', 'PLTE', 'tRNS', 'gAMA', 'cHRM', 'sRGB', 'sBIT', 'IDAT', 'IEND']);
/** Chunks a re-encode would act on (convert, rotate, drop frames): their PNGs take that road. */
const REENCODED = new Set(['iCCP', 'eXIf', 'acTL', 'fcTL', 'fdAT']);
/** Samples per pixel by colour type, at 8 bits. */
const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export interface SanitizedPng {
  readonly png: Buffer;
  readonly width: number;
  readonly height: number;
}

/** Thrown for a PNG that is damaged: its caller answers as for one that cannot be decoded. */
export class DamagedPngError extends Error {
  override readonly name = 'DamagedPngError';
}

/**
 * The PNG with only its drawing chunks, checked whole; undefined when it needs a re-encode instead
 * (see above). `maxPixels` bounds the inflate before it starts.
 */
export async function sanitizePng(bytes: Uint8Array, maxPixels: number): Promise<SanitizedPng | undefined> {
  if (!isPng(bytes)) return undefined;
  let chunks: PngChunk[];
  try {
    chunks = readChunks(bytes);
  } catch (error) {
    throw new DamagedPngError((error as Error).message);
  }
  const header = chunks[0];
  if (header?.type !== 'IHDR' || header.data.length !== 13) throw new DamagedPngError('The PNG does not start with its header');
  const width = header.data.readUInt32BE(0);
  const height = header.data.readUInt32BE(4);
  const [depth, colorType, compression, filter, interlace] = [header.data[8]!, header.data[9]!, header.data[10], header.data[11], header.data[12]];
  const channels = CHANNELS[colorType];
  if (depth !== 8 || channels === undefined || compression !== 0 || filter !== 0 || interlace !== 0) return undefined;
  if (chunks.some((chunk) => REENCODED.has(chunk.type))) return undefined;
  if (width < 1 || height < 1 || width * height > maxPixels) return undefined;
  if (colorType === 3 && !chunks.some((chunk) => chunk.type === 'PLTE')) throw new DamagedPngError('The palette PNG has no palette');

  const rowBytes = width * channels;
  const expected = height * (rowBytes + 1);
  let pixels: Buffer;
  try {
    // Output chunks as large as the image (up to 16 MiB): zlib's 16 KiB default makes a 512x512
    // inflate ten times slower (collecting and joining the pieces). A small image inflates here at
    // once (a fraction of a millisecond); a large one on libuv's pool, off the event loop.
    const parts = chunks.filter((chunk) => chunk.type === 'IDAT').map((chunk) => chunk.data);
    const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    const options = { maxOutputLength: expected + 1, chunkSize: Math.min(expected + 1, 16 * 1024 * 1024) };
    pixels = expected <= INFLATE_HERE_BYTES ? zlib.inflateSync(data, options) : await inflate(data, options);
  } catch (error) {
    throw new DamagedPngError(`The PNG's image data cannot be inflated (${(error as Error).message})`);
  }
  if (pixels.length !== expected) throw new DamagedPngError(`The PNG's image data holds ${pixels.length} bytes where its header needs ${expected}`);
  for (let row = 0; row < height; row++) if (pixels[row * (rowBytes + 1)]! > 4) throw new DamagedPngError(`Row ${row} of the PNG has an unknown filter`);

  const kept = chunks.filter((chunk) => KEPT.has(chunk.type));
  const unchanged = kept.length === chunks.length && kept.reduce((sum, chunk) => sum + chunk.raw.length, SIGNATURE.length) === bytes.length;
  // Kept as it came when nothing is dropped: no copy of a large file.
  const png = unchanged ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : Buffer.concat([SIGNATURE, ...kept.map((chunk) => (chunk.type === 'IEND' ? encodeChunk('IEND', Buffer.alloc(0)) : chunk.raw))]);
  return { png, width, height };
}
