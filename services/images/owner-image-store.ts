/**
 * The node context's ImageStore (engine/node-context.ts) for one owner's run: nodes read only that
 * owner's images and everything they save is recorded as the owner's, with the session and node
 * that made it and the graph embedded in the PNG. The worker makes one per invocation.
 */
import { NodeError } from '../../engine/errors';
import type { ImageRef } from '../../engine/fields/field-types';
import type { ImageStore, ImageToSave, StoredImage } from '../../engine/node-context';
import type { ImageFileStore } from './image-file-store';
import type { ImageRecords } from './image-records';
import type { ImageSaver } from './image-saver';

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
}

export function createOwnerImageStore(options: OwnerImageStoreOptions): ImageStore {
  const { ownerId, files, records, saver } = options;
  return {
    async get(ref: ImageRef): Promise<StoredImage> {
      const record = await records.find(ownerId, ref.imageName);
      if (!record) throw new NodeError('image_not_found', `There is no image named "${ref.imageName}"`);
      const data = await files.get(ownerId, record.name, 'full');
      return { ref: { imageName: record.name }, data, format: 'png', width: record.width, height: record.height };
    },
    async save(image: ImageToSave): Promise<ImageRef> {
      const record = await saver.save(ownerId, {
        data: image.data,
        origin: 'internal',
        intermediate: image.intermediate ?? false,
        metadata: image.metadata ?? null,
        graph: options.graph,
        sessionId: options.sessionId ?? null,
        nodeId: options.nodeId ?? null,
        boardId: options.boardId ?? null,
      });
      return { imageName: record.name };
    },
  };
}
