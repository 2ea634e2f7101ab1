/**
 * The credentials vault: secrets a user stores once and nodes apply by id (an API's bearer token,
 * a user name and password, a header or query parameter carrying a key). The secret fields are
 * kept only sealed (AES-256-GCM, services/automations/secret-box.ts): the HTTP node must send
 * them, so they cannot be hashed, and nothing reads them back to the user. `kind` and `name` stay
 * in clear for lists; a name is unique per owner so a workflow's credential picker can show it.
 * `last_used_at` is when a run last applied it, for cleaning up unused secrets.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Credentials1764201601200 implements MigrationInterface {
  name = 'Credentials1764201601200';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE credentials (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
        kind text NOT NULL CHECK (kind IN ('bearer', 'basic', 'header', 'query')),
        sealed bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        UNIQUE (owner_id, name)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE credentials`);
  }
}
