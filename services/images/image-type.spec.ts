import sharp from 'sharp';
import { describeContent, sniffImageType } from './image-type';

describe('image type sniffing', () => {
  const image = sharp({ create: { width: 4, height: 4, channels: 3, background: '#336699' } });

  it('recognizes PNG, JPEG and WebP from their bytes', async () => {
    expect(sniffImageType(await image.clone().png().toBuffer())).toBe('png');
    expect(sniffImageType(await image.clone().jpeg().toBuffer())).toBe('jpeg');
    expect(sniffImageType(await image.clone().webp().toBuffer())).toBe('webp');
  });

  it('accepts nothing else, and says what the file seems to be', async () => {
    const gif = await image.clone().gif().toBuffer();
    const tiff = await image.clone().tiff().toBuffer();
    const cases: [Uint8Array, string][] = [
      [gif, 'a GIF image'],
      [tiff, 'a TIFF image'],
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'), 'an SVG image'],
      [Buffer.from('%PDF-1.7\n'), 'a PDF document'],
      [Buffer.from('{"image": "x"}'), 'JSON'],
      [Buffer.from('--boundary\r\nContent-Disposition: form-data'), 'a multipart form (send the image file itself as the request body)'],
      [Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt ', 'latin1'), 'not an image this server can read'],
      [Buffer.alloc(0), 'empty'],
    ];
    for (const [bytes, description] of cases) {
      expect(sniffImageType(bytes)).withContext(description).toBeUndefined();
      expect(describeContent(bytes)).toBe(description);
    }
  });

  it('does not take a PNG signature cut short for a PNG', () => {
    expect(sniffImageType(Buffer.from([0x89, 0x50, 0x4e, 0x47]))).toBeUndefined();
    expect(sniffImageType(Buffer.from([0xff, 0xd8]))).toBeUndefined();
  });
});
