/** The `images` table (migrations/1764201600000-InitialSchema.ts) as a TypeORM entity schema. */
import { EntitySchema } from 'typeorm';
import type { ImageCategory, ImageOrigin } from './image-records';

export interface ImageRow {
  name: string;
  ownerId: string;
  boardId: string | null;
  origin: ImageOrigin;
  category: ImageCategory;
  intermediate: boolean;
  starred: boolean;
  width: number;
  height: number;
  /** bigint: the driver gives it back as text. */
  byteSize: string;
  sessionId: string | null;
  nodeId: string | null;
  /** JSON; typed loosely because TypeORM's insert types cannot express `unknown` values. */
  metadata: object | null;
  createdAt: Date;
  updatedAt: Date;
}

export const ImageEntity = new EntitySchema<ImageRow>({
  name: 'Image',
  tableName: 'images',
  columns: {
    name: { type: 'text', primary: true },
    ownerId: { name: 'owner_id', type: 'uuid' },
    boardId: { name: 'board_id', type: 'uuid', nullable: true },
    origin: { type: 'text' },
    category: { type: 'text' },
    intermediate: { type: 'boolean' },
    starred: { type: 'boolean' },
    width: { type: 'integer' },
    height: { type: 'integer' },
    byteSize: { name: 'byte_size', type: 'bigint' },
    sessionId: { name: 'session_id', type: 'text', nullable: true },
    nodeId: { name: 'node_id', type: 'text', nullable: true },
    metadata: { type: 'jsonb', nullable: true },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
    updatedAt: { name: 'updated_at', type: 'timestamptz', updateDate: true },
  },
});
