/**
 * The credit ledger on a real PostgreSQL: grants once per key, reservations refused past the
 * balance, settlements that release and charge once and never overdraw, concurrent requests that
 * cannot interleave a balance below zero, and entries that cannot be changed.
 */
import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '../../test/support/test-database';
import { ALICE, BOB, insertTestUsers } from '../../test/support/test-tenants';
import { CreditLedger, MILLI } from './credit-ledger';

describe('CreditLedger', () => {
  const db = useTestDatabase();
  let ledger: CreditLedger;

  beforeAll(async () => {
    db.skipIfMissing();
    await insertTestUsers(db.dataSource);
    ledger = new CreditLedger(db.dataSource);
  });

  /** A user of their own for each spec, with `credits` granted. */
  async function freshOwner(credits: number): Promise<string> {
    const id = randomUUID();
    // On Enterprise, whose price and credits are custom: no plan credits granted to start with.
    await db.dataSource.query(`INSERT INTO users (id, email, password_hash, plan) VALUES ($1, $2, 'x', 'enterprise')`, [id, `${id}@ledger.test`]);
    if (credits > 0) await ledger.apply({ ownerId: id, kind: 'grant', amount: credits * MILLI, reason: 'test grant', idempotencyKey: 'grant' });
    return id;
  }

  it("opens an account with every user, with its plan's credits, and grants once per key", async () => {
    expect(await ledger.account(ALICE.id)).toEqual({ balance: 500 * MILLI, reserved: 0 });
    const owner = await freshOwner(0);
    const grant = { ownerId: owner, kind: 'grant' as const, amount: 500 * MILLI, reason: 'Trial credits', idempotencyKey: 'trial:1' };
    expect((await ledger.apply(grant)).outcome).toBe('applied');
    const again = await ledger.apply(grant);
    expect(again.outcome).toBe('duplicate');
    expect(again.account).toEqual({ balance: 500 * MILLI, reserved: 0 });
    const page = await ledger.entries(owner, { limit: 10, offset: 0 });
    expect(page.total).toBe(1);
    expect(page.items[0]).toEqual(jasmine.objectContaining({ kind: 'grant', amount: 500 * MILLI, balanceAfter: 500 * MILLI, reason: 'Trial credits' }));
    // Another owner's key is another key.
    expect((await ledger.apply({ ...grant, ownerId: BOB.id })).outcome).toBe('applied');
    expect(await ledger.account(BOB.id)).toEqual({ balance: 1000 * MILLI, reserved: 0 });
  });

  it('refuses a reservation past the balance and changes nothing', async () => {
    const owner = await freshOwner(10);
    const short = await ledger.reserve({ ownerId: owner, amount: 11 * MILLI, key: 'batch:a', reason: 'batch a' });
    expect(short.outcome).toBe('insufficient');
    expect(await ledger.account(owner)).toEqual({ balance: 10 * MILLI, reserved: 0 });
    expect((await ledger.entries(owner, { limit: 10, offset: 0 })).total).toBe(1);
    const held = await ledger.reserve({ ownerId: owner, amount: 4 * MILLI, key: 'batch:b', reason: 'batch b' });
    expect(held.outcome).toBe('applied');
    expect(held.account).toEqual({ balance: 6 * MILLI, reserved: 4 * MILLI });
  });

  it('settles once: releases the reservation, charges the cost, and never overdraws', async () => {
    const owner = await freshOwner(10);
    await ledger.reserve({ ownerId: owner, amount: 5 * MILLI, key: 'batch:1', reason: 'batch 1' });
    const settled = await ledger.settle({ ownerId: owner, reserved: 5 * MILLI, cost: 3_250, key: 'item:1:1', reason: 'item 1', itemId: '1' });
    expect(settled).toEqual(jasmine.objectContaining({ outcome: 'applied', amount: 1_750, reservedChange: -5 * MILLI }));
    expect(settled.account).toEqual({ balance: 6_750, reserved: 0 });
    // The same item and attempt settled again (a duplicate job, a replay): nothing changes.
    expect((await ledger.settle({ ownerId: owner, reserved: 5 * MILLI, cost: 3_250, key: 'item:1:1', reason: 'item 1' })).outcome).toBe('duplicate');
    expect(await ledger.account(owner)).toEqual({ balance: 6_750, reserved: 0 });
    // Work that cost more than the balance holds takes what there is: the balance ends at zero.
    await ledger.reserve({ ownerId: owner, amount: 1 * MILLI, key: 'batch:2', reason: 'batch 2' });
    const over = await ledger.settle({ ownerId: owner, reserved: 1 * MILLI, cost: 100 * MILLI, key: 'item:2:1', reason: 'item 2' });
    expect(over.outcome).toBe('applied');
    expect(over.account).toEqual({ balance: 0, reserved: 0 });
    expect(over.amount).toBe(-5_750);
  });

  it('lets no interleaving of concurrent reservations overdraw an account', async () => {
    const owner = await freshOwner(10);
    const results = await Promise.all(Array.from({ length: 40 }, (_, index) => ledger.reserve({ ownerId: owner, amount: MILLI, key: `race:${index}`, reason: 'race' })));
    expect(results.filter((result) => result.outcome === 'applied').length).toBe(10);
    expect(results.filter((result) => result.outcome === 'insufficient').length).toBe(30);
    expect(await ledger.account(owner)).toEqual({ balance: 0, reserved: 10 * MILLI });
    // The same key from many requests at once: one applies.
    const same = await Promise.all(Array.from({ length: 10 }, () => ledger.apply({ ownerId: owner, kind: 'grant', amount: MILLI, reason: 'once', idempotencyKey: 'same' })));
    expect(same.filter((result) => result.outcome === 'applied').length).toBe(1);
    expect((await ledger.account(owner))!.balance).toBe(MILLI);
  });

  it('keeps entries as written: an update is refused', async () => {
    const owner = await freshOwner(1);
    await expectAsync(db.dataSource.query(`UPDATE credit_ledger SET amount = 0 WHERE owner_id = $1`, [owner])).toBeRejectedWithError(/append-only/);
    await expectAsync(db.dataSource.query(`UPDATE credit_accounts SET balance = -1 WHERE owner_id = $1`, [owner])).toBeRejected();
  });

  it('refuses changes it cannot hold before they reach the database', async () => {
    const owner = await freshOwner(1);
    await expectAsync(ledger.apply({ ownerId: owner, kind: 'grant', amount: 1.5, reason: 'x', idempotencyKey: 'k' })).toBeRejectedWithError(/whole number/);
    await expectAsync(ledger.apply({ ownerId: owner, kind: 'grant', amount: 2 ** 60, reason: 'x', idempotencyKey: 'k' })).toBeRejectedWithError(/whole number/);
    await expectAsync(ledger.apply({ ownerId: owner, kind: 'grant', amount: 1, reason: '', idempotencyKey: 'k' })).toBeRejectedWithError(/reason/);
  });
});
