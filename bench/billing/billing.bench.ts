/**
 * `npm run bench:billing`: what the credit ledger costs, in one run, on a fresh database the bench
 * makes and drops on the machine's PostgreSQL.
 *   - Settlements per second with 8 concurrent workers settling items against one balance (each a
 *     reservation released and a cost charged, once per key, through credit_apply), beside a bare
 *     UPDATE of the same balance row from 8 connections (the floor: the row lock they all queue
 *     on); then the final balance and reservation are checked exact against what was settled.
 *   - Queue throughput with metering on against off is not measured yet: reservations and
 *     settlements are not yet wired into the queue.
 *
 *   npm run bench:billing -- [settlementsPerWorker=500]
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { testServiceUrls } from '../../config/config';
import { PLATFORM_ENTITIES } from '../../services/platform/platform-entities';
import { connect } from '../../services/database/database';
import { CreditLedger, MILLI } from '../../services/billing/credit-ledger';
import { adminQuery, freshDatabase, runBench, Teardown } from '../queue/bench-environment';

const PER_WORKER = Number(process.argv[2] ?? 500);
const WORKERS = 8;
/** Each settlement releases this and charges a cost between 0 and it. */
const RESERVED = 2 * MILLI;

async function main(): Promise<void> {
  const services = testServiceUrls();
  try {
    await adminQuery(services.postgres, 'SELECT 1');
  } catch (error) {
    throw new Error(`the billing bench needs PostgreSQL at ${new URL(services.postgres).host}: ${(error as Error).message}`, { cause: error });
  }
  const teardown = new Teardown();
  try {
    const url = await freshDatabase(services.postgres, teardown);
    const dataSource = await connect(url, PLATFORM_ENTITIES);
    teardown.defer('close the database', () => dataSource.destroy());
    const ledger = new CreditLedger(dataSource);
    const owner = randomUUID();
    await dataSource.query(`INSERT INTO users (id, email, password_hash) VALUES ($1, 'bench@billing.test', 'x')`, [owner]);
    const total = WORKERS * PER_WORKER;
    await ledger.apply({ ownerId: owner, kind: 'grant', amount: total * RESERVED, reason: 'bench grant', idempotencyKey: 'grant' });
    // Reserved up front, as enqueue would for the whole batch.
    await ledger.reserve({ ownerId: owner, amount: total * RESERVED, key: 'batch', reason: 'bench batch' });
    console.log(`billing bench: ${WORKERS} workers × ${PER_WORKER} settlements against one balance`);

    // The floor: the same row updated from 8 connections, no ledger.
    const clients = await Promise.all(Array.from({ length: WORKERS }, async () => {
      const client = new Client({ connectionString: url });
      await client.connect();
      return client;
    }));
    teardown.defer('close the floor connections', () => Promise.all(clients.map((client) => client.end())));
    await dataSource.query(`CREATE TABLE bench_balance (id int PRIMARY KEY, balance bigint NOT NULL)`);
    await dataSource.query(`INSERT INTO bench_balance VALUES (1, 0)`);
    const floorStarted = performance.now();
    await Promise.all(clients.map(async (client) => {
      for (let index = 0; index < PER_WORKER; index++) await client.query(`UPDATE bench_balance SET balance = balance + $1 WHERE id = 1`, [index]);
    }));
    const floorPerSecond = (total / (performance.now() - floorStarted)) * 1000;

    // Settlements: each worker settles its items; every item's cost is known, so the end is exact.
    let charged = 0;
    let duplicates = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: WORKERS }, async (_, worker) => {
      for (let index = 0; index < PER_WORKER; index++) {
        const cost = (worker * 7919 + index * 104_729) % (RESERVED + 1);
        const key = `item:${worker}-${index}:1`;
        const result = await ledger.settle({ ownerId: owner, reserved: RESERVED, cost, key, reason: 'bench item' });
        if (result.outcome !== 'applied') throw new Error(`settlement ${key} was ${result.outcome}`);
        charged += cost;
        // Every tenth is delivered twice (a duplicate job): it must change nothing.
        if (index % 10 === 0 && (await ledger.settle({ ownerId: owner, reserved: RESERVED, cost, key, reason: 'bench item' })).outcome === 'duplicate') duplicates++;
      }
    }));
    const perSecond = (total / (performance.now() - started)) * 1000;
    const account = (await ledger.account(owner))!;
    const expected = { balance: total * RESERVED - charged, reserved: 0 };
    const exact = account.balance === expected.balance && account.reserved === expected.reserved;
    console.log(`  bare UPDATE of one row from ${WORKERS} connections (floor)   ${floorPerSecond.toFixed(0).padStart(6)} /s`);
    console.log(`  settlements through the ledger, ${WORKERS} workers           ${perSecond.toFixed(0).padStart(6)} /s   (${(perSecond / floorPerSecond).toFixed(2)}x the floor)`);
    console.log(`  final balance ${account.balance} milli-credits, reserved ${account.reserved}: ${exact ? 'exact' : `WRONG, expected ${JSON.stringify(expected)}`}; ${duplicates} duplicate deliveries changed nothing`);
    console.log(`result: ${perSecond.toFixed(0)} settlements/s with ${WORKERS} concurrent workers on one balance (${(perSecond / floorPerSecond).toFixed(2)}x a bare row update), final balance ${exact ? 'exact' : 'WRONG'}`);
    if (!exact) process.exitCode = 1;
  } finally {
    await teardown.run();
  }
}

runBench(main);
