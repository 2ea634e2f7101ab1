/** The `boards` table (migrations/1764201600000-InitialSchema.ts) as a TypeORM entity schema. */
import { EntitySchema } from 'typeorm';

export interface BoardRow {
  id: string;
  ownerId: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

export const BoardEntity = new EntitySchema<BoardRow>({
  name: 'Board',
  tableName: 'boards',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    ownerId: { name: 'owner_id', type: 'uuid' },
    name: { type: 'text' },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
    updatedAt: { name: 'updated_at', type: 'timestamptz', updateDate: true },
  },
});
