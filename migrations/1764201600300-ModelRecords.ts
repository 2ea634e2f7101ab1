/**
 * The model manager's records: one row per installed model. `owner_id` NULL means shared with
 * every user (admins' installs, the starter models); a user's own installs carry their id and
 * leave with them. Lists read shared rows plus one owner's, newest first, so both have an index.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ModelRecords1764201600300 implements MigrationInterface {
  name = 'ModelRecords1764201600300';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE models (
        key uuid PRIMARY KEY,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        base text NOT NULL,
        type text NOT NULL,
        format text NOT NULL,
        source text NOT NULL,
        path text NOT NULL,
        size_bytes bigint NOT NULL CHECK (size_bytes > 0),
        hash text NOT NULL,
        description text NOT NULL DEFAULT '',
        owner_id uuid REFERENCES users (id) ON DELETE CASCADE,
        metadata jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX models_owner_created ON models (owner_id, created_at DESC)`);
    await runner.query(`CREATE INDEX models_shared_created ON models (created_at DESC) WHERE owner_id IS NULL`);
    // Starter models are registered once: one shared row per source.
    await runner.query(`CREATE UNIQUE INDEX models_shared_source ON models (source) WHERE owner_id IS NULL AND source LIKE 'starter:%'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE models`);
  }
}
