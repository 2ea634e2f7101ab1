/**
 * PNG text chunks: how a saved image carries its metadata and the graph that made it, readable by
 * any PNG tool (exiftool, pngcheck, InvokeAI-style metadata viewers). Text is written as iTXt
 * (UTF-8; deflated when long), read back from iTXt, tEXt and zTXt. Chunks are checked against
 * their CRC-32, so a damaged file is reported rather than half-read.
 */
import zlib from 'node:zlib';
import { PinkseaError } from '../../engine/errors';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const TEXT_TYPES = ['iTXt', 'tEXt', 'zTXt'];
/** Texts longer than this are deflated when written. */
const COMPRESS_OVER = 1024;
/** The most a compressed text may inflate to when read: a zTXt/iTXt bomb stops here. */
const DEFAULT_MAX_TEXT_BYTES = 16 * 1024 * 1024;

export class PngFormatError extends PinkseaError {
  override readonly name = 'PngFormatError';
  constructor(message: string) {
    super('invalid_png', message);
  }
}

export interface PngChunk {
  readonly type: string;
  readonly data: Buffer;
  /** The whole chunk as stored: length, type, data and CRC. */
  readonly raw: Buffer;
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= SIGNATURE.length && SIGNATURE.equals(bytes.subarray(0, SIGNATURE.length));
}

/** Every chunk up to and including IEND, each checked against its CRC. */
export function readChunks(png: Uint8Array): PngChunk[] {
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (!isPng(bytes)) throw new PngFormatError('The file does not start with the PNG signature');
  const chunks: PngChunk[] = [];
  let offset = SIGNATURE.length;
  while (offset < bytes.length) {
    if (offset + 12 > bytes.length) throw new PngFormatError(`The PNG is cut short at byte ${offset}`);
    const length = bytes.readUInt32BE(offset);
    const end = offset + 12 + length;
    if (length > 0x7fffffff || end > bytes.length) throw new PngFormatError(`The PNG chunk at byte ${offset} runs past the end of the file`);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (crcOf(bytes.subarray(offset + 4, offset + 8), data) !== bytes.readUInt32BE(offset + 8 + length)) {
      throw new PngFormatError(`The PNG chunk "${type}" at byte ${offset} is damaged (CRC mismatch)`);
    }
    chunks.push({ type, data, raw: bytes.subarray(offset, end) });
    offset = end;
    if (type === 'IEND') return chunks;
  }
  throw new PngFormatError('The PNG has no IEND chunk');
}

/** One chunk, encoded: length, type, data, CRC-32 of type and data. */
export function encodeChunk(type: string, data: Uint8Array): Buffer {
  if (!/^[A-Za-z]{4}$/.test(type)) throw new RangeError(`"${type}" is not a PNG chunk type`);
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, 'latin1');
  chunk.set(data, 8);
  chunk.writeUInt32BE(crcOf(chunk.subarray(4, 8), data), 8 + data.length);
  return chunk;
}

/**
 * The PNG with `texts` as iTXt chunks right after IHDR, where readers that stop at the image
 * data still find them. Text chunks already there under the same keywords are replaced.
 */
export function embedTextChunks(png: Uint8Array, texts: Readonly<Record<string, string>>): Buffer {
  const keywords = Object.keys(texts);
  keywords.forEach(checkKeyword);
  const chunks = readChunks(png);
  if (chunks[0]?.type !== 'IHDR') throw new PngFormatError('The PNG does not start with an IHDR chunk');
  const kept = chunks.filter((chunk) => !(TEXT_TYPES.includes(chunk.type) && keywords.includes(keywordOf(chunk.data))));
  // Nothing to add or replace (an upload without Pinksea's data): the file as it is, not a copy.
  if (keywords.length === 0 && kept.length === chunks.length) return Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  const added = keywords.map((keyword) => encodeChunk('iTXt', itxtData(keyword, texts[keyword]!)));
  return Buffer.concat([SIGNATURE, kept[0]!.raw, ...added, ...kept.slice(1).map((chunk) => chunk.raw)]);
}

/** Every text chunk's keyword and text; the first chunk of a keyword wins. */
export function readTextChunks(png: Uint8Array, options: { maxTextBytes?: number } = {}): Record<string, string> {
  const maxTextBytes = options.maxTextBytes ?? DEFAULT_MAX_TEXT_BYTES;
  const texts: Record<string, string> = {};
  for (const chunk of readChunks(png)) {
    if (!TEXT_TYPES.includes(chunk.type)) continue;
    const { keyword, text } = decodeText(chunk, maxTextBytes);
    if (!(keyword in texts)) texts[keyword] = text;
  }
  return texts;
}

function itxtData(keyword: string, text: string): Buffer {
  const utf8 = Buffer.from(text, 'utf8');
  const compressed = utf8.length > COMPRESS_OVER;
  // keyword \0, compression flag, method 0 (deflate), empty language tag \0, empty translated keyword \0
  const header = Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0, compressed ? 1 : 0, 0, 0, 0])]);
  return Buffer.concat([header, compressed ? zlib.deflateSync(utf8) : utf8]);
}

function decodeText(chunk: PngChunk, maxTextBytes: number): { keyword: string; text: string } {
  const data = chunk.data;
  const keywordEnd = data.indexOf(0);
  if (keywordEnd < 1 || keywordEnd > 79) throw new PngFormatError(`A PNG ${chunk.type} chunk has no valid keyword`);
  const keyword = data.toString('latin1', 0, keywordEnd);
  if (chunk.type === 'tEXt') return { keyword, text: data.toString('latin1', keywordEnd + 1) };
  if (chunk.type === 'zTXt') return { keyword, text: inflate(data.subarray(keywordEnd + 2), keyword, maxTextBytes).toString('latin1') };
  const compressed = data[keywordEnd + 1] === 1;
  const languageEnd = data.indexOf(0, keywordEnd + 3);
  const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
  if (translatedEnd < 0) throw new PngFormatError(`The PNG iTXt chunk "${keyword}" is cut short`);
  const body = data.subarray(translatedEnd + 1);
  const text = compressed ? inflate(body, keyword, maxTextBytes) : body;
  if (!compressed && text.length > maxTextBytes) throw new PngFormatError(`The PNG text "${keyword}" is longer than ${maxTextBytes} bytes`);
  return { keyword, text: text.toString('utf8') };
}

function inflate(data: Buffer, keyword: string, maxTextBytes: number): Buffer {
  try {
    return zlib.inflateSync(data, { maxOutputLength: maxTextBytes });
  } catch (error) {
    const reason = error instanceof RangeError ? `inflates to more than ${maxTextBytes} bytes` : 'cannot be decompressed';
    throw new PngFormatError(`The PNG text "${keyword}" ${reason}`);
  }
}

function keywordOf(data: Buffer): string {
  const end = data.indexOf(0);
  return data.toString('latin1', 0, end < 0 ? data.length : end);
}

function checkKeyword(keyword: string): void {
  // PNG spec: 1-79 Latin-1 printable characters, no leading, trailing or double spaces.
  if (!/^[\x21-\x7e\xa1-\xff](?:[\x20-\x7e\xa1-\xff]{0,77}[\x21-\x7e\xa1-\xff])?$/.test(keyword) || keyword.includes('  ')) {
    throw new RangeError(`"${keyword}" is not a valid PNG text keyword`);
  }
}

function crcOf(type: Uint8Array, data: Uint8Array): number {
  return zlib.crc32(data, zlib.crc32(type));
}
