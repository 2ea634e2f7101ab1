/**
 * Text helpers for Render Text: escaping for sharp's text input, which reads Pango markup, and a
 * cautious size estimate made before rendering, since the renderer allocates the whole image.
 */

/** Wider than any glyph of the fonts we ship, in font sizes (bold DejaVu "W" is about 1.1). */
const MAX_ADVANCE = 1.25;
/** More than DejaVu's line height (1.16 font sizes). */
const MAX_LINE_HEIGHT = 1.5;

/** Makes plain text safe for Pango markup, so `<b>` or `&` are drawn as typed. */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** An upper bound on the rendered size: every character at the widest advance, lines wrapped at `wrapWidth`. */
export function estimateTextSize(text: string, fontSize: number, wrapWidth: number): { width: number; height: number } {
  let rows = 0;
  let widest = 0;
  for (const line of text.split('\n')) {
    const lineWidth = Array.from(line).length * fontSize * MAX_ADVANCE;
    widest = Math.max(widest, Math.min(lineWidth, wrapWidth));
    rows += Math.max(1, Math.ceil(lineWidth / wrapWidth));
  }
  return { width: Math.ceil(widest), height: Math.ceil(rows * fontSize * MAX_LINE_HEIGHT) };
}
