/**
 * Accelerator-seconds per queue item: the time its GPU-needing steps ran, which billing will
 * charge (1 credit = 1 GPU-second). Written once, when the item ends, from its last attempt only,
 * so a retried item is never counted twice.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class QueueItemAcceleratorSeconds1764201600500 implements MigrationInterface {
  name = 'QueueItemAcceleratorSeconds1764201600500';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE queue_items ADD COLUMN accelerator_seconds double precision NOT NULL DEFAULT 0`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE queue_items DROP COLUMN accelerator_seconds`);
  }
}
