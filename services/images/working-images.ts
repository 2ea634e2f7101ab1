/**
 * One run's working images in memory. A step's intermediate result (the resize between a load and
 * a save) is read by the next step and rarely again; writing it meant a PNG decode, the graph
 * embedded, a file and a database row, and reading it back a query and a file read. Here it is
 * held for the run and recorded only if the run's results name it (or its batch asks to keep
 * every one), under the name the steps already saw. Past `maxBytes`, images are recorded at once.
 */
import { randomUUID } from 'node:crypto';
import type { ImageRef } from '../../engine/fields/field-types';
import type { ImageToSave, StoredImage } from '../../engine/node-context';

/** What a run holds by default: a few large images, or many small ones. */
export const WORKING_IMAGE_BYTES = 256 * 1024 * 1024;

export class WorkingImages {
  private readonly images = new Map<string, ImageToSave>();
  private bytes = 0;

  constructor(private readonly maxBytes = WORKING_IMAGE_BYTES) {}

  /** Holds the image and names it; undefined when the run's budget is spent. */
  hold(image: ImageToSave): ImageRef | undefined {
    if (this.bytes + image.data.byteLength > this.maxBytes) return undefined;
    const imageName = randomUUID();
    this.images.set(imageName, image);
    this.bytes += image.data.byteLength;
    return { imageName };
  }

  get(imageName: string): StoredImage | undefined {
    const image = this.images.get(imageName);
    return image && { ref: { imageName }, data: image.data, format: image.format, width: image.width, height: image.height };
  }

  /** The held images that `value` names (results of any shape), in the order found, each once. */
  namedIn(value: unknown): { readonly name: string; readonly image: ImageToSave }[] {
    const found = new Map<string, ImageToSave>();
    const stack: unknown[] = [value];
    while (stack.length > 0) {
      const next = stack.pop();
      if (next === null || typeof next !== 'object') continue;
      if (Array.isArray(next)) {
        for (let index = next.length - 1; index >= 0; index--) stack.push(next[index]);
        continue;
      }
      const record = next as Record<string, unknown>;
      const name = record['imageName'];
      const image = typeof name === 'string' ? this.images.get(name) : undefined;
      if (image) found.set(name as string, image);
      for (const entry of Object.values(record).reverse()) stack.push(entry);
    }
    return [...found].map(([name, image]) => ({ name, image }));
  }
}
