/**
 * The platform's first schema: accounts (users, refresh tokens, API keys), the gallery (boards,
 * images), the workflow library, and the session queue (batches, items). Every row a user owns
 * carries `owner_id`, and every owner-scoped list has an index that starts with it.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764201600000 implements MigrationInterface {
  name = 'InitialSchema1764201600000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        display_name text NOT NULL DEFAULT '',
        password_hash text NOT NULL,
        role text NOT NULL DEFAULT 'user' CHECK (role IN ('admin', 'user')),
        disabled boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE UNIQUE INDEX users_email_unique ON users (lower(email))`);

    await runner.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        replaced_by uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id)`);

    await runner.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name text NOT NULL,
        prefix text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        scopes text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        expires_at timestamptz,
        revoked_at timestamptz
      )`);
    await runner.query(`CREATE INDEX api_keys_user ON api_keys (user_id)`);

    await runner.query(`
      CREATE TABLE boards (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX boards_owner ON boards (owner_id, created_at DESC)`);

    await runner.query(`
      CREATE TABLE images (
        name text PRIMARY KEY,
        owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        board_id uuid REFERENCES boards (id) ON DELETE SET NULL,
        origin text NOT NULL CHECK (origin IN ('internal', 'external')),
        category text NOT NULL DEFAULT 'general' CHECK (category IN ('general', 'mask', 'control', 'user', 'other')),
        intermediate boolean NOT NULL DEFAULT false,
        starred boolean NOT NULL DEFAULT false,
        width integer NOT NULL,
        height integer NOT NULL,
        byte_size bigint NOT NULL,
        session_id text,
        node_id text,
        metadata jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX images_owner_created ON images (owner_id, created_at DESC)`);
    await runner.query(`CREATE INDEX images_board ON images (board_id, created_at DESC) WHERE board_id IS NOT NULL`);

    await runner.query(`
      CREATE TABLE workflows (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        tags text[] NOT NULL DEFAULT '{}',
        graph jsonb NOT NULL,
        layout jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX workflows_owner ON workflows (owner_id, updated_at DESC)`);

    await runner.query(`
      CREATE TABLE queue_batches (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        queue_id text NOT NULL,
        graph jsonb NOT NULL,
        data jsonb,
        runs integer NOT NULL,
        priority integer NOT NULL DEFAULT 0,
        origin text,
        destination text,
        item_count integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE queue_items (
        id bigserial PRIMARY KEY,
        batch_id uuid NOT NULL REFERENCES queue_batches (id) ON DELETE CASCADE,
        owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        queue_id text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'in_progress', 'completed', 'failed', 'canceled')),
        priority integer NOT NULL DEFAULT 0,
        field_values jsonb NOT NULL DEFAULT '[]',
        results jsonb,
        error jsonb,
        attempts integer NOT NULL DEFAULT 0,
        worker text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        completed_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX queue_items_owner_status ON queue_items (owner_id, queue_id, status, id)`);
    await runner.query(`CREATE INDEX queue_items_batch ON queue_items (batch_id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['queue_items', 'queue_batches', 'workflows', 'images', 'boards', 'api_keys', 'refresh_tokens', 'users']) {
      await runner.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
