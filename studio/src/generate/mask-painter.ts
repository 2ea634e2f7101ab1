export interface Point {
  readonly x: number;
  readonly y: number;
}

/** A pointer position in a canvas's own pixels, whatever size the canvas is shown at. */
export function canvasPoint(clientX: number, clientY: number, rect: Pick<DOMRect, 'left' | 'top' | 'width' | 'height'>, width: number, height: number): Point {
  const x = ((clientX - rect.left) / Math.max(1, rect.width)) * width;
  const y = ((clientY - rect.top) / Math.max(1, rect.height)) * height;
  return { x: Math.min(width, Math.max(0, x)), y: Math.min(height, Math.max(0, y)) };
}

/**
 * An inpainting mask on a canvas the size of the init image: black everywhere (keep), white where
 * painted (repaint), as the generate route reads it. Erasing paints black again. The canvas is
 * both what the person sees (blended over the image) and what is uploaded, so they always agree.
 */
export class MaskPainter {
  private readonly context: CanvasRenderingContext2D;

  constructor(private readonly canvas: HTMLCanvasElement) {
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('This browser cannot draw on a canvas');
    this.context = context;
  }

  get width(): number {
    return this.canvas.width;
  }

  get height(): number {
    return this.canvas.height;
  }

  /** A fresh, empty mask of this size. */
  reset(width: number, height: number): void {
    this.canvas.width = Math.max(1, Math.round(width));
    this.canvas.height = Math.max(1, Math.round(height));
    this.clear();
  }

  clear(): void {
    this.context.globalCompositeOperation = 'source-over';
    this.context.fillStyle = '#000';
    this.context.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /** A brush stroke from `from` (or a dot at `to`) of `size` canvas pixels across. */
  stroke(from: Point | null, to: Point, size: number, erase = false): void {
    const context = this.context;
    const colour = erase ? '#000' : '#fff';
    context.strokeStyle = colour;
    context.fillStyle = colour;
    context.lineWidth = size;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    if (from) {
      context.beginPath();
      context.moveTo(from.x, from.y);
      context.lineTo(to.x, to.y);
      context.stroke();
    }
    context.beginPath();
    context.arc(to.x, to.y, size / 2, 0, Math.PI * 2);
    context.fill();
  }

  /** Whether any of the mask would repaint. */
  painted(): boolean {
    const pixels = this.context.getImageData(0, 0, this.canvas.width, this.canvas.height).data;
    for (let index = 0; index < pixels.length; index += 4) if (pixels[index]! > 0) return true;
    return false;
  }

  /** The mask as a PNG of the canvas's size (the init image's). */
  toPng(): Promise<Blob> {
    return new Promise((resolve, reject) => this.canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The mask could not be encoded'))), 'image/png'));
  }
}

/** The width and height in a PNG's IHDR chunk (bytes 16 to 24). */
export async function pngSize(blob: Blob): Promise<{ width: number; height: number }> {
  const view = new DataView(await blob.slice(0, 24).arrayBuffer());
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
