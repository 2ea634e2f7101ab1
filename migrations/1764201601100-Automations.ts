/**
 * Automations and their runs. An automation is a workflow with trigger nodes that runs one of its
 * published versions unattended (`version`; it moves to each new version while `follow_latest`).
 * `triggers` is what its trigger nodes declare, read from that version when it is set, so the
 * scheduler and the webhook route never parse graphs. The webhook token is the unguessable part of
 * its URL; the signing secret is kept encrypted (AES-256-GCM) because verifying a signature needs it.
 *
 * `automation_runs` records every firing before anything is answered. The unique
 * (automation_id, fire_key) is what makes a schedule's fire time or a webhook's delivery id run
 * once however many processes see it. `schedule_cursor` is the last fire time the scheduler
 * handled: fire times after it and before now were missed while no scheduler ran. A run's `runner`
 * is the broker node that runs it inline: an open run whose runner is gone was lost with it.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Automations1764201601100 implements MigrationInterface {
  name = 'Automations1764201601100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE automations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        workflow_id uuid NOT NULL UNIQUE REFERENCES workflows (id) ON DELETE CASCADE,
        version integer NOT NULL,
        follow_latest boolean NOT NULL DEFAULT true,
        enabled boolean NOT NULL DEFAULT true,
        triggers jsonb NOT NULL DEFAULT '[]',
        webhook_token text UNIQUE,
        webhook_secret bytea,
        retry_attempts integer NOT NULL DEFAULT 0 CHECK (retry_attempts BETWEEN 0 AND 10),
        retry_backoff_seconds integer NOT NULL DEFAULT 30 CHECK (retry_backoff_seconds BETWEEN 1 AND 86400),
        error_automation_id uuid REFERENCES automations (id) ON DELETE SET NULL,
        keep_runs_days integer NOT NULL DEFAULT 30 CHECK (keep_runs_days BETWEEN 1 AND 3650),
        keep_runs_count integer NOT NULL DEFAULT 10000 CHECK (keep_runs_count BETWEEN 1 AND 1000000),
        schedule_cursor timestamptz,
        next_fire_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (workflow_id, version) REFERENCES workflow_versions (workflow_id, version)
      )`);
    await runner.query(`CREATE INDEX automations_owner ON automations (owner_id, created_at DESC)`);
    await runner.query(`CREATE INDEX automations_due ON automations (next_fire_at) WHERE enabled AND next_fire_at IS NOT NULL`);
    await runner.query(`
      CREATE TABLE automation_runs (
        id uuid PRIMARY KEY,
        automation_id uuid NOT NULL REFERENCES automations (id) ON DELETE CASCADE,
        owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        version integer,
        trigger text NOT NULL CHECK (trigger IN ('manual', 'schedule', 'webhook', 'event', 'test', 'rerun', 'retry')),
        trigger_node text,
        fire_key text NOT NULL,
        attempt integer NOT NULL DEFAULT 1,
        retry_of uuid,
        status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled', 'skipped')),
        mode text NOT NULL CHECK (mode IN ('inline', 'queue')),
        input jsonb,
        nodes jsonb NOT NULL DEFAULT '[]',
        output jsonb,
        error jsonb,
        queue_item_ids bigint[] NOT NULL DEFAULT '{}',
        runner text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        retry_at timestamptz,
        UNIQUE (automation_id, fire_key)
      )`);
    await runner.query(`CREATE INDEX automation_runs_owner ON automation_runs (owner_id, created_at DESC)`);
    await runner.query(`CREATE INDEX automation_runs_automation ON automation_runs (automation_id, created_at DESC)`);
    await runner.query(`CREATE INDEX automation_runs_open ON automation_runs (automation_id) WHERE status IN ('queued', 'running')`);
    await runner.query(`CREATE INDEX automation_runs_retry ON automation_runs (retry_at) WHERE retry_at IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE automation_runs`);
    await runner.query(`DROP TABLE automations`);
  }
}
