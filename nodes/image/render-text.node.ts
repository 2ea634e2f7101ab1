import { defineNode, field, NodeError, type Color } from '@pinksea/node-sdk';
import sharp from 'sharp';
import { checkOutputSize, IMAGE_OUTPUTS, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE, throwIfCanceled, toPixels, writeImage, type Pixels } from './image-io';
import { escapeMarkup, estimateTextSize } from './text-layout';

const FONTS = ['sans-serif', 'serif', 'monospace'] as const;
const ALIGNS = ['left', 'center', 'right'] as const;

export default defineNode({
  type: 'image.render_text',
  title: 'Render Text',
  description:
    'Draws text as an image, ready to paste onto another. Long lines wrap at the width; line breaks are kept. With width or height at 0 the image fits the text tightly; a set height cuts off text that does not fit.',
  category: 'image',
  tags: ['image', 'text', 'caption', 'title', 'font', 'typography'],
  version: '1.0.0',
  inputs: {
    text: field.string({
      title: 'Text',
      description: 'What to write; plain text, markup is shown as typed',
      default: 'Hello, world',
      minLength: 1,
      maxLength: 2000,
      ui: { widget: 'textarea', multiline: true },
    }),
    font: field.enum(FONTS, {
      title: 'Font',
      description: 'The typeface family',
      default: 'sans-serif',
      ui: { order: 1, choiceLabels: { 'sans-serif': 'Sans serif', serif: 'Serif', monospace: 'Monospace' } },
    }),
    fontSize: field.integer({ title: 'Font size', description: 'Size of the letters, in pixels', default: 48, minimum: 4, maximum: 512, ui: { order: 2 } }),
    bold: field.boolean({ title: 'Bold', description: 'Use the bold weight', default: false, ui: { order: 3 } }),
    color: field.color({ title: 'Color', description: 'Color of the letters', default: { r: 0, g: 0, b: 0, a: 255 }, ui: { order: 4 } }),
    background: field.color({ title: 'Background', description: 'Color behind the letters; transparent by default', default: { r: 0, g: 0, b: 0, a: 0 }, ui: { order: 5 } }),
    width: field.integer({ title: 'Width', description: 'Width of the image in pixels, where lines wrap; 0 fits the text', default: 0, minimum: 0, maximum: MAX_IMAGE_SIDE, ui: { order: 6 } }),
    height: field.integer({ title: 'Height', description: 'Height of the image in pixels; 0 fits the text', default: 0, minimum: 0, maximum: MAX_IMAGE_SIDE, ui: { order: 7 } }),
    align: field.enum(ALIGNS, { title: 'Alignment', description: 'How lines line up across the width', default: 'left', ui: { order: 8, choiceLabels: { left: 'Left', center: 'Center', right: 'Right' } } }),
  },
  outputs: IMAGE_OUTPUTS,
  async invoke({ text, font, fontSize, bold, color, background, width, height, align }, ctx) {
    const plain = text.replace(/\r\n?/g, '\n').replace(/(?![\n\t])\p{Cc}/gu, '');
    if (plain.trim() === '') throw new NodeError('empty_text', 'There is no text to render: the text is empty or only spaces.', { field: 'text' });
    const wrapWidth = width > 0 ? width : MAX_IMAGE_SIDE;
    const estimate = estimateTextSize(plain, fontSize, wrapWidth);
    if (estimate.height > MAX_IMAGE_SIDE || estimate.width * estimate.height > MAX_IMAGE_PIXELS) {
      throw new NodeError(
        'text_too_large',
        `This much text at ${fontSize} pixels could need up to ${estimate.width}×${estimate.height} pixels, more than an image may have; shorten it, make it smaller or give a wider width.`,
        { field: 'text' },
      );
    }
    throwIfCanceled(ctx);
    const coverage = await toPixels(
      sharp({
        text: { text: escapeMarkup(plain), font: `${font}${bold ? ' Bold' : ''} ${fontSize}`, dpi: 72, width: wrapWidth, align, wrap: 'word-char' },
        limitInputPixels: MAX_IMAGE_PIXELS,
      }).toColourspace('b-w'),
    );
    const canvasWidth = width > 0 ? width : coverage.width;
    const canvasHeight = height > 0 ? height : coverage.height;
    checkOutputSize(canvasWidth, canvasHeight, 'text');
    const layer = tint(coverage, color, Math.min(coverage.width, canvasWidth), Math.min(coverage.height, canvasHeight));
    const left = align === 'left' ? 0 : align === 'center' ? Math.floor((canvasWidth - layer.width) / 2) : canvasWidth - layer.width;
    const sheet = sharp({
      create: { width: canvasWidth, height: canvasHeight, channels: 4, background: { r: background.r, g: background.g, b: background.b, alpha: background.a / 255 } },
    });
    const raw = { width: layer.width, height: layer.height, channels: 4 as const };
    return writeImage(ctx, sheet.composite([{ input: layer.data, raw, left, top: 0 }]));
  },
});

/** The letters in `color`, their coverage as alpha, cut to width × height from the top-left. */
function tint(coverage: Pixels, color: Color, width: number, height: number): Pixels {
  const data = Buffer.alloc(width * height * 4);
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      const at = (row * width + column) * 4;
      data[at] = color.r;
      data[at + 1] = color.g;
      data[at + 2] = color.b;
      data[at + 3] = Math.round((coverage.data[row * coverage.width + column]! * color.a) / 255);
    }
  }
  return { data, width, height, channels: 4 };
}
