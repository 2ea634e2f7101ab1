/**
 * Published workflow versions. The `workflows` row stays the editable draft; publishing copies its
 * graph and layout here as version N+1 of that workflow, never changed afterwards, so what an
 * automation runs cannot move under it while someone edits. `packs` records, for each node type
 * the graph uses, the node and pack versions it was validated against. Versions go with their
 * workflow (ON DELETE CASCADE); an author who leaves keeps their versions, unattributed. The
 * primary key on (workflow_id, version) is what keeps two concurrent publishes from sharing a number.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class WorkflowVersions1764201601000 implements MigrationInterface {
  name = 'WorkflowVersions1764201601000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE workflow_versions (
        workflow_id uuid NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
        version integer NOT NULL CHECK (version >= 1),
        author_id uuid REFERENCES users (id) ON DELETE SET NULL,
        note text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
        graph jsonb NOT NULL,
        layout jsonb,
        packs jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workflow_id, version)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE workflow_versions`);
  }
}
