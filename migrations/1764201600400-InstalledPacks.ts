/**
 * Plugin packs installed at run time (admin uploads or folder installs). One row per pack name:
 * every broker node reads this table at start and on each `plugins.changed` broadcast and loads
 * the enabled packs from `install_path`, which lies on the data dir the nodes share. `node_types`
 * is kept so the API can list a pack's types without loading its code.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InstalledPacks1764201600400 implements MigrationInterface {
  name = 'InstalledPacks1764201600400';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE installed_packs (
        name text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 214),
        version text NOT NULL,
        description text NOT NULL DEFAULT '',
        source text NOT NULL CHECK (source IN ('folder', 'tarball')),
        install_path text NOT NULL,
        node_types jsonb NOT NULL DEFAULT '[]',
        enabled boolean NOT NULL DEFAULT true,
        installed_by uuid REFERENCES users (id) ON DELETE SET NULL,
        installed_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE installed_packs`);
  }
}
