/**
 * Refresh-token families: every token of one sign-in (its rotations) shares the id of the first,
 * and access tokens name that family (`sid`), so an access token stops working when its family is
 * revoked (logout, reuse detection, password change, a disabled account), not only at expiry.
 * Existing chains get the id of their first token, found by walking `replaced_by` backwards.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RefreshTokenFamilies1764201600700 implements MigrationInterface {
  name = 'RefreshTokenFamilies1764201600700';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE refresh_tokens ADD COLUMN family_id uuid`);
    await runner.query(`
      WITH RECURSIVE family (id, root) AS (
        SELECT token.id, token.id FROM refresh_tokens token
         WHERE NOT EXISTS (SELECT 1 FROM refresh_tokens earlier WHERE earlier.replaced_by = token.id)
        UNION
        SELECT token.id, family.root FROM refresh_tokens token
          JOIN refresh_tokens earlier ON earlier.replaced_by = token.id
          JOIN family ON family.id = earlier.id
      )
      UPDATE refresh_tokens SET family_id = family.root FROM family WHERE refresh_tokens.id = family.id`);
    // A token in a cycle (which the data should never hold) is its own family.
    await runner.query(`UPDATE refresh_tokens SET family_id = id WHERE family_id IS NULL`);
    await runner.query(`ALTER TABLE refresh_tokens ALTER COLUMN family_id SET NOT NULL`);
    // The revocation check asks "is any token of this family still live?".
    await runner.query(`CREATE INDEX refresh_tokens_family_live ON refresh_tokens (family_id) WHERE revoked_at IS NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX refresh_tokens_family_live`);
    await runner.query(`ALTER TABLE refresh_tokens DROP COLUMN family_id`);
  }
}
