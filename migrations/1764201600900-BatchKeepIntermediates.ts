/**
 * Whether a batch's runs keep their working images. A step's intermediate image (a resize between
 * a load and a save) now lives in the worker's memory for the length of its run instead of being
 * written, decoded and recorded: most runs never look at it again. The studio's workflow editor
 * shows every step's output, so its runs ask to keep them; existing batches did keep them.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class BatchKeepIntermediates1764201600900 implements MigrationInterface {
  name = 'BatchKeepIntermediates1764201600900';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE queue_batches ADD COLUMN keep_intermediates boolean NOT NULL DEFAULT true`);
    await runner.query(`ALTER TABLE queue_batches ALTER COLUMN keep_intermediates SET DEFAULT false`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE queue_batches DROP COLUMN keep_intermediates`);
  }
}
