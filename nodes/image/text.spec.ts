import { NodeError } from '@pinksea/node-sdk';
import { createTestContext, invokeNode, rejectionOf } from '@pinksea/node-sdk/testing';
import { decode, type Decoded } from './image-testing';
import renderText from './render-text.node';
import { escapeMarkup, estimateTextSize } from './text-layout';

type TextInputs = Parameters<typeof renderText.invoke>[0];

async function render(inputs: Partial<TextInputs>) {
  const { ctx, host } = createTestContext();
  const result = await invokeNode(renderText, inputs, ctx);
  const out = await decode(host, result.image);
  expect([out.width, out.height]).toEqual([result.width, result.height]);
  return out;
}

/** The columns that hold any visible pixel. */
function inkColumns(out: Decoded): number[] {
  const columns: number[] = [];
  for (let x = 0; x < out.width; x++) {
    for (let y = 0; y < out.height; y++) {
      if (out.at(x, y)[3]! > 0) {
        columns.push(x);
        break;
      }
    }
  }
  return columns;
}

describe('image pack: render text (image.render_text)', () => {
  it('draws the text tightly, in its color, on transparency', async () => {
    const out = await render({ text: 'Hello', fontSize: 48, color: { r: 200, g: 0, b: 0, a: 255 } });
    expect([out.format, out.channels]).toEqual(['png', 4]);
    expect(out.width).toBeGreaterThan(80);
    expect(out.width).toBeLessThan(200);
    expect(out.height).toBeGreaterThan(25);
    expect(out.height).toBeLessThan(60);
    const visible = Array.from({ length: out.width * out.height }, (_, i) => out.at(i % out.width, Math.floor(i / out.width))).filter((p) => p[3]! > 0);
    expect(visible.length).toBeGreaterThan(100);
    // Compositing premultiplies alpha, so faint edge pixels may come back a level off.
    expect(visible.every(([r, g, b]) => Math.abs(r! - 200) <= 1 && g === 0 && b === 0)).toBe(true);
    expect(Math.max(...visible.map((pixel) => pixel[3]!))).toBe(255);
  });

  it('grows with the font size, and is wider in bold', async () => {
    const small = await render({ text: 'Size', fontSize: 20 });
    const large = await render({ text: 'Size', fontSize: 80 });
    expect(large.height).toBeGreaterThan(small.height * 3);
    const bold = await render({ text: 'Wide words', fontSize: 40, bold: true });
    const regular = await render({ text: 'Wide words', fontSize: 40 });
    expect(bold.width).toBeGreaterThan(regular.width);
  });

  it('fills a set size with the background, cutting off what does not fit', async () => {
    const out = await render({ text: 'One\nTwo\nThree', width: 300, height: 30, background: { r: 255, g: 255, b: 255, a: 255 } });
    expect([out.width, out.height]).toEqual([300, 30]);
    expect(out.at(299, 29)).toEqual([255, 255, 255, 255]);
  });

  it('wraps long lines at the width', async () => {
    const text = 'the quick brown fox jumps over the lazy dog';
    const oneLine = await render({ text });
    const wrapped = await render({ text, width: 200 });
    expect(oneLine.width).toBeGreaterThan(200);
    expect(wrapped.width).toBe(200);
    expect(wrapped.height).toBeGreaterThan(oneLine.height * 2);
  });

  it('aligns the text within the width', async () => {
    const centered = inkColumns(await render({ text: 'i', width: 200, align: 'center' }));
    expect(Math.min(...centered)).toBeGreaterThan(80);
    expect(Math.max(...centered)).toBeLessThan(120);
    const right = inkColumns(await render({ text: 'i', width: 200, align: 'right' }));
    expect(Math.max(...right)).toBeGreaterThan(190);
    const left = inkColumns(await render({ text: 'i', width: 200 }));
    expect(Math.min(...left)).toBeLessThan(10);
  });

  it('draws markup and entities as typed', async () => {
    const tags = await render({ text: '<b>x</b> &amp;' });
    const bare = await render({ text: 'x' });
    expect(tags.width).toBeGreaterThan(bare.width * 5);
    expect(escapeMarkup(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  });

  it('drops control characters instead of failing', async () => {
    expect((await render({ text: 'a\u0000b\u0007c' })).width).toBeGreaterThan(10);
  });

  it('refuses empty or blank text, naming the field', async () => {
    const { ctx } = createTestContext();
    for (const text of ['', '   \n\t ']) {
      const error = await rejectionOf(invokeNode(renderText, { text }, ctx));
      expect(error).toBeInstanceOf(NodeError);
      expect(error).toEqual(jasmine.objectContaining({ code: 'empty_text', field: 'text' }));
    }
  });

  it('refuses text that would make an image over the limits, before rendering it', async () => {
    const { ctx } = createTestContext();
    const started = Date.now();
    const error = await rejectionOf(invokeNode(renderText, { text: 'W\n'.repeat(999), fontSize: 512 }, ctx));
    expect(error).toEqual(jasmine.objectContaining({ code: 'text_too_large', field: 'text' }));
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('estimates a size no smaller than the real one', async () => {
    for (const [text, fontSize, width] of [['WWWWWWWWWW', 100, 0], ['Hello\nworld\nagain', 48, 0], ['the quick brown fox jumps', 40, 150]] as const) {
      const out = await render({ text, fontSize, width, bold: true });
      const estimate = estimateTextSize(text, fontSize, width || 16384);
      expect(estimate.width).toBeGreaterThanOrEqual(width || out.width);
      expect(estimate.height).toBeGreaterThanOrEqual(out.height);
    }
  });
});
