/**
 * The admin audit log: every change an admin makes through the API (a plan given, a balance
 * adjusted, a pack installed, a user disabled…), who made it, from where, with what (secrets left
 * out) and how it ended. Kept when the admin's account goes (the actor becomes unknown).
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AdminAudit1764201601600 implements MigrationInterface {
  name = 'AdminAudit1764201601600';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE admin_audit (
        id bigserial PRIMARY KEY,
        actor_id uuid REFERENCES users (id) ON DELETE SET NULL,
        actor_email text NOT NULL,
        action text NOT NULL,
        target text,
        params jsonb NOT NULL DEFAULT '{}',
        outcome text NOT NULL CHECK (outcome IN ('ok', 'error')),
        error_code text,
        ip text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX admin_audit_recent ON admin_audit (id DESC)`);
    await runner.query(`CREATE INDEX admin_audit_target ON admin_audit (target, id DESC) WHERE target IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE admin_audit`);
  }
}
