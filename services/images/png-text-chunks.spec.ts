import zlib from 'node:zlib';
import sharp from 'sharp';
import { embedTextChunks, encodeChunk, isPng, PngFormatError, readChunks, readTextChunks } from './png-text-chunks';

/** CRC-32 the long way (the PNG spec's table), to check the module's zlib.crc32 independently. */
const TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function referenceCrc(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The chunks of a PNG by walking its bytes directly, independent of readChunks. */
function walk(png: Buffer): { type: string; data: Buffer; crcOk: boolean }[] {
  const chunks = [];
  for (let offset = 8; offset < png.length; ) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    chunks.push({ type, data, crcOk: referenceCrc(png.subarray(offset + 4, offset + 8 + length)) === png.readUInt32BE(offset + 8 + length) });
    offset += 12 + length;
  }
  return chunks;
}

function withChunkBeforeIend(png: Buffer, chunk: Buffer): Buffer {
  return Buffer.concat([png.subarray(0, png.length - 12), chunk, png.subarray(png.length - 12)]);
}

describe('PNG text chunks', () => {
  let png: Buffer;
  beforeAll(async () => {
    png = await sharp({ create: { width: 3, height: 2, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 0.5 } } }).png().toBuffer();
  });

  it('writes iTXt chunks right after IHDR, with valid CRCs, and reads them back', () => {
    const long = JSON.stringify({ prompt: 'a pink sea '.repeat(400) });
    const out = embedTextChunks(png, { pinksea_metadata: '{"seed":42,"note":"café ✓"}', pinksea_graph: long });
    const chunks = walk(out);
    expect(chunks.map((chunk) => chunk.type).slice(0, 3)).toEqual(['IHDR', 'iTXt', 'iTXt']);
    expect(chunks.every((chunk) => chunk.crcOk)).toBeTrue();
    expect(chunks[1]!.data.subarray(0, 17).toString('latin1')).toBe('pinksea_metadata\0');
    // The long text is deflated (compression flag 1) and much smaller than the text itself.
    const graphChunk = chunks[2]!;
    expect(graphChunk.data[14]).toBe(1);
    expect(graphChunk.data.length).toBeLessThan(long.length / 10);
    expect(readTextChunks(out)).toEqual({ pinksea_metadata: '{"seed":42,"note":"café ✓"}', pinksea_graph: long });
  });

  it('leaves the pixels alone', async () => {
    const out = embedTextChunks(png, { a: 'b' });
    const before = await sharp(png).raw().toBuffer();
    const after = await sharp(out).raw().toBuffer();
    expect(after.equals(before)).toBeTrue();
    expect(out.length).toBe(png.length + 12 + 'a'.length + 5 + 'b'.length);
  });

  it('replaces text under the same keyword instead of adding a second one', () => {
    const twice = embedTextChunks(embedTextChunks(png, { note: 'first', other: 'kept' }), { note: 'second' });
    expect(walk(twice).filter((chunk) => chunk.type === 'iTXt').length).toBe(2);
    expect(readTextChunks(twice)).toEqual({ note: 'second', other: 'kept' });
  });

  it('reads tEXt and zTXt chunks written by other tools', () => {
    const text = encodeChunk('tEXt', Buffer.from('Comment\0made elsewhere', 'latin1'));
    const ztxt = encodeChunk('zTXt', Buffer.concat([Buffer.from('Software\0\0', 'latin1'), zlib.deflateSync(Buffer.from('some tool 1.0', 'latin1'))]));
    expect(readTextChunks(withChunkBeforeIend(withChunkBeforeIend(png, text), ztxt))).toEqual({ Comment: 'made elsewhere', Software: 'some tool 1.0' });
    expect(text.readUInt32BE(text.length - 4)).toBe(referenceCrc(text.subarray(4, text.length - 4)));
  });

  it('reports a damaged chunk by its CRC', () => {
    const out = embedTextChunks(png, { note: 'hello' });
    const damaged = Buffer.from(out);
    damaged[damaged.indexOf('hello')] = 'j'.charCodeAt(0);
    expect(() => readTextChunks(damaged)).toThrowMatching((error) => error instanceof PngFormatError && /"iTXt".*CRC/.test(error.message));
  });

  it('refuses what is not a whole PNG', () => {
    expect(isPng(Buffer.from('GIF89a'))).toBeFalse();
    expect(() => readChunks(Buffer.from('not a png at all'))).toThrowMatching((error) => error instanceof PngFormatError && /signature/.test(error.message));
    expect(() => readChunks(png.subarray(0, png.length - 20))).toThrowMatching((error) => error instanceof PngFormatError);
    expect(() => readChunks(png.subarray(0, png.length - 12))).toThrowMatching((error) => error instanceof PngFormatError && /IEND/.test(error.message));
  });

  it('stops a compressed text that inflates past the limit', () => {
    const bomb = zlib.deflateSync(Buffer.alloc(1024 * 1024, 0x41));
    const chunk = encodeChunk('iTXt', Buffer.concat([Buffer.from('bomb\0\x01\x00\0\0', 'latin1'), bomb]));
    const file = withChunkBeforeIend(png, chunk);
    expect(() => readTextChunks(file, { maxTextBytes: 64 * 1024 })).toThrowMatching((error) => error instanceof PngFormatError && /more than 65536 bytes/.test(error.message));
    expect(readTextChunks(file)['bomb']!.length).toBe(1024 * 1024);
  });

  it('refuses keywords the PNG format does not allow', () => {
    for (const keyword of ['', ' lead', 'trail ', 'x'.repeat(80), 'nul\0byte']) {
      expect(() => embedTextChunks(png, { [keyword]: 'v' })).withContext(JSON.stringify(keyword)).toThrowError(RangeError);
    }
  });
});
