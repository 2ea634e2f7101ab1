/** The `workflow_versions` table (migrations/1764201601000-WorkflowVersions.ts) as a TypeORM entity schema. */
import { EntitySchema } from 'typeorm';

export interface WorkflowVersionRow {
  workflowId: string;
  version: number;
  authorId: string | null;
  note: string;
  /** JSON; typed loosely because TypeORM's insert types cannot express `unknown` values. */
  graph: object;
  layout: object | null;
  packs: object[];
  createdAt: Date;
}

export const WorkflowVersionEntity = new EntitySchema<WorkflowVersionRow>({
  name: 'WorkflowVersion',
  tableName: 'workflow_versions',
  columns: {
    workflowId: { name: 'workflow_id', type: 'uuid', primary: true },
    version: { type: 'integer', primary: true },
    authorId: { name: 'author_id', type: 'uuid', nullable: true },
    note: { type: 'text' },
    graph: { type: 'jsonb' },
    layout: { type: 'jsonb', nullable: true },
    packs: { type: 'jsonb' },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
  },
});
