/**
 * The worker incarnation that holds an in-progress item: the broker's instance id, new at every
 * start of a worker process. The node id in `worker` survives a restart, so a worker killed and
 * brought back under the same name looked alive to the claim and the orphan sweep while nothing
 * ran its old items; the instance id tells the two lives apart. Items claimed before this column
 * have none, which reads as a worker that is gone. The partial index serves the sweep and a
 * restarted worker's look for what it held before.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class QueueItemWorkerInstance1764201600800 implements MigrationInterface {
  name = 'QueueItemWorkerInstance1764201600800';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE queue_items ADD COLUMN worker_instance text`);
    await runner.query(`CREATE INDEX queue_items_in_progress_worker ON queue_items (worker) WHERE status = 'in_progress'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX queue_items_in_progress_worker`);
    await runner.query(`ALTER TABLE queue_items DROP COLUMN worker_instance`);
  }
}
