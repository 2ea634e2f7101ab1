/**
 * The node context's ImageStore (engine/node-context.ts) for one owner's run: nodes read only that
 * owner's images and everything they save is recorded as the owner's, with the session and node
 * that made it and the graph embedded in the PNG. The worker makes one per queue item; given the
 * run's WorkingImages, intermediate images stay in memory and only those the results name are
 * recorded when the run ends.
 */
import { NodeError } from '../../engine/errors';
import type { ImageRef } from '../../engine/fields/field-types';
import type { ImageStore, ImageToSave, StoredImage } from '../../engine/node-context';
import type { ImageFileStore } from './image-file-store';
import type { ImageRecords } from './image-records';
import type { ImageSaver } from './image-saver';
import type { WorkingImages } from './working-images';

export interface OwnerImageStoreOptions {
  readonly ownerId: string;
  readonly files: ImageFileStore;
  readonly records: ImageRecords;
  readonly saver: ImageSaver;
  /** The queue item's session and the node that is running, recorded on each saved image. */
  readonly sessionId?: string;
  readonly nodeId?: string;
  /** Embedded in every PNG the run saves. */
  readonly graph?: unknown;
  /** Where the run's images go; none when left out. */
  readonly boardId?: string | null;
  /** Holds the run's intermediate images in memory; they are written as they are saved when left out. */
  readonly working?: WorkingImages;
}

export interface OwnerImageStore extends ImageStore {
  /** Records the working images that `results` name, so what the run answers with can be fetched. */
  keepNamedIn(results: unknown): Promise<void>;
}

export function createOwnerImageStore(options: OwnerImageStoreOptions): OwnerImageStore {
  const { ownerId, files, records, saver, working } = options;
  const store = (image: ImageToSave, name?: string) =>
    saver.save(ownerId, {
      data: image.data,
      origin: 'internal',
      intermediate: image.intermediate ?? false,
      metadata: image.metadata ?? null,
      graph: options.graph,
      sessionId: options.sessionId ?? null,
      nodeId: options.nodeId ?? null,
      boardId: options.boardId ?? null,
      ...(name ? { name } : {}),
    });
  return {
    async get(ref: ImageRef): Promise<StoredImage> {
      const held = working?.get(ref.imageName);
      if (held) return held;
      const record = await records.find(ownerId, ref.imageName);
      if (!record) throw new NodeError('image_not_found', `There is no image named "${ref.imageName}"`);
      const data = await files.get(ownerId, record.name, 'full');
      return { ref: { imageName: record.name }, data, format: 'png', width: record.width, height: record.height };
    },
    async save(image: ImageToSave): Promise<ImageRef> {
      const held = image.intermediate ? working?.hold(image) : undefined;
      return held ?? { imageName: (await store(image)).name };
    },
    async keepNamedIn(results: unknown): Promise<void> {
      for (const { name, image } of working?.namedIn(results) ?? []) await store(image, name);
    },
  };
}
