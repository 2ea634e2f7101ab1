/** The `models` table (migrations/1764201600300-ModelRecords.ts) as a TypeORM entity schema. */
import { EntitySchema } from 'typeorm';

export interface ModelRow {
  key: string;
  name: string;
  base: string;
  type: string;
  format: string;
  source: string;
  path: string;
  /** bigint: the driver gives it back as text. */
  sizeBytes: string;
  hash: string;
  description: string;
  ownerId: string | null;
  metadata: object;
  createdAt: Date;
  updatedAt: Date;
}

export const ModelEntity = new EntitySchema<ModelRow>({
  name: 'Model',
  tableName: 'models',
  columns: {
    key: { type: 'uuid', primary: true },
    name: { type: 'text' },
    base: { type: 'text' },
    type: { type: 'text' },
    format: { type: 'text' },
    source: { type: 'text' },
    path: { type: 'text' },
    sizeBytes: { name: 'size_bytes', type: 'bigint' },
    hash: { type: 'text' },
    description: { type: 'text' },
    ownerId: { name: 'owner_id', type: 'uuid', nullable: true },
    metadata: { type: 'jsonb' },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
    updatedAt: { name: 'updated_at', type: 'timestamptz', updateDate: true },
  },
});
