/**
 * Plans and pools: every user has a plan (new and existing accounts start on the free trial), and
 * every queue item records the worker pool its owner's plan sent it to, so routing, the waiting
 * reason and a requeue after a restart all agree on where it runs.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PlansAndPools1764201600600 implements MigrationInterface {
  name = 'PlansAndPools1764201600600';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'trial' CHECK (plan IN ('trial', 'basic', 'pro', 'enterprise'))`);
    await runner.query(`ALTER TABLE queue_items ADD COLUMN pool text NOT NULL DEFAULT 'basic'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE queue_items DROP COLUMN pool`);
    await runner.query(`ALTER TABLE users DROP COLUMN plan`);
  }
}
