/** The `workflows` table (migrations/1764201600000-InitialSchema.ts) as a TypeORM entity schema. */
import { EntitySchema } from 'typeorm';

export interface WorkflowRow {
  id: string;
  ownerId: string;
  name: string;
  description: string;
  tags: string[];
  /** JSON; typed loosely because TypeORM's insert types cannot express `unknown` values. */
  graph: object;
  layout: object | null;
  createdAt: Date;
  updatedAt: Date;
}

export const WorkflowEntity = new EntitySchema<WorkflowRow>({
  name: 'Workflow',
  tableName: 'workflows',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    ownerId: { name: 'owner_id', type: 'uuid' },
    name: { type: 'text' },
    description: { type: 'text' },
    tags: { type: 'text', array: true },
    graph: { type: 'jsonb' },
    layout: { type: 'jsonb', nullable: true },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
    updatedAt: { name: 'updated_at', type: 'timestamptz', updateDate: true },
  },
});
