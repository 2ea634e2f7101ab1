/**
 * Credits, in thousandths (1 credit = 1 GPU-second = 1000 milli-credits), through the append-only
 * ledger (migration CreditLedger). Every change is one call of `credit_apply` in PostgreSQL, which
 * locks the owner's account row, checks the idempotency key under that lock, and writes the new
 * balance and the entry together: concurrent requests queue on the row, a key seen before changes
 * nothing, and no interleaving takes a balance or a reservation below zero.
 *
 * Work is paid for in two steps: `reserve` moves an estimate from the balance into the reservation
 * before it runs (refused when the balance is short); `settle` releases the reservation and charges
 * what the work measured, once per key (an item and its attempt), taking at most what the balance
 * holds when the work cost more than its estimate.
 */
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { PinkseaError } from '../../engine/errors';
import { isUuid, type Page, type PageRequest } from '../kernel/request-params';
import type { LedgerEntry, LedgerKind } from './credit-views';

export { LEDGER_KINDS, type LedgerEntry, type LedgerKind } from './credit-views';

/** Milli-credits in a credit. */
export const MILLI = 1000;


export interface CreditChange {
  readonly ownerId: string;
  readonly kind: LedgerKind;
  /** Milli-credits added to the balance (negative: taken from it). */
  readonly amount: number;
  /** Milli-credits added to the reservation (negative: released). */
  readonly reservedChange?: number;
  readonly reason: string;
  /** Unique per owner: a change with a key seen before changes nothing. */
  readonly idempotencyKey: string;
  readonly itemId?: string;
  readonly batchId?: string;
  readonly runId?: string;
  /** The admin who made an adjustment or a grant. */
  readonly actorId?: string;
  /** Take at most what the balance (and the reservation) hold, rather than refuse: for work already done. */
  readonly capped?: boolean;
}

export interface Account {
  /** Milli-credits that can be spent. */
  readonly balance: number;
  /** Milli-credits held for work not yet settled. */
  readonly reserved: number;
}

export type ApplyResult =
  | { readonly outcome: 'applied'; readonly entryId: string; readonly amount: number; readonly reservedChange: number; readonly account: Account }
  | { readonly outcome: 'duplicate'; readonly entryId: string; readonly amount: number; readonly reservedChange: number; readonly account: Account }
  | { readonly outcome: 'insufficient'; readonly amount: number; readonly reservedChange: number; readonly account: Account };


/** The most one change may move: far past any balance, far within PostgreSQL's bigint and JavaScript's exact integers. */
export const MAX_CHANGE = 1e15;

interface ApplyRow {
  outcome: ApplyResult['outcome'];
  entry_id: string | null;
  amount: string;
  reserved_change: string;
  balance: string;
  reserved: string;
}

export class CreditLedger {
  constructor(private readonly dataSource: DataSource) {}

  private pool(): Pool {
    return (this.dataSource.driver as PostgresDriver).master as Pool;
  }

  /** One change of an account, with its entry; see the module's comment. */
  async apply(change: CreditChange): Promise<ApplyResult> {
    checkChange(change);
    const { rows } = await this.pool().query<ApplyRow>({
      name: 'credit-apply',
      text: `SELECT * FROM credit_apply($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      values: [
        change.ownerId,
        change.kind,
        change.amount,
        change.reservedChange ?? 0,
        change.reason,
        change.idempotencyKey,
        change.itemId ?? null,
        change.batchId ?? null,
        change.runId ?? null,
        change.actorId ?? null,
        change.capped ?? false,
      ],
    });
    const row = rows[0]!;
    const account = { balance: Number(row.balance), reserved: Number(row.reserved) };
    const moved = { amount: Number(row.amount), reservedChange: Number(row.reserved_change), account };
    return row.outcome === 'insufficient' ? { outcome: 'insufficient', ...moved } : { outcome: row.outcome, entryId: String(row.entry_id), ...moved };
  }

  /** Holds `amount` for work about to run; 'insufficient' when the balance is short. */
  reserve(owner: { ownerId: string; amount: number; key: string; reason: string; batchId?: string; runId?: string }): Promise<ApplyResult> {
    return this.apply({
      ownerId: owner.ownerId,
      kind: 'reservation',
      amount: -owner.amount,
      reservedChange: owner.amount,
      reason: owner.reason,
      idempotencyKey: owner.key,
      ...(owner.batchId ? { batchId: owner.batchId } : {}),
      ...(owner.runId ? { runId: owner.runId } : {}),
    });
  }

  /**
   * Releases what was reserved for a piece of work and charges what it cost, once per key. Work
   * that cost more than its reservation takes what the balance holds, never more.
   */
  settle(work: { ownerId: string; reserved: number; cost: number; key: string; reason: string; itemId?: string; batchId?: string; runId?: string }): Promise<ApplyResult> {
    return this.apply({
      ownerId: work.ownerId,
      kind: 'settlement',
      amount: work.reserved - work.cost,
      reservedChange: -work.reserved,
      reason: work.reason,
      idempotencyKey: work.key,
      capped: true,
      ...(work.itemId ? { itemId: work.itemId } : {}),
      ...(work.batchId ? { batchId: work.batchId } : {}),
      ...(work.runId ? { runId: work.runId } : {}),
    });
  }

  async account(ownerId: string): Promise<Account | undefined> {
    if (!isUuid(ownerId)) return undefined;
    const { rows } = await this.pool().query<{ balance: string; reserved: string }>(`SELECT balance, reserved FROM credit_accounts WHERE owner_id = $1`, [ownerId]);
    return rows[0] && { balance: Number(rows[0].balance), reserved: Number(rows[0].reserved) };
  }

  /** The owner's entries, newest first. */
  async entries(ownerId: string, page: PageRequest): Promise<Page<LedgerEntry>> {
    const [{ rows }, counted] = await Promise.all([
      this.pool().query<Record<string, unknown>>(
        `SELECT id, kind, amount, reserved_change, balance_after, reserved_after, reason, item_id, batch_id, run_id, created_at
           FROM credit_ledger WHERE owner_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`,
        [ownerId, page.limit, page.offset],
      ),
      this.pool().query<{ n: string }>(`SELECT count(*) AS n FROM credit_ledger WHERE owner_id = $1`, [ownerId]),
    ]);
    return { items: rows.map(toEntry), total: Number(counted.rows[0]!.n), limit: page.limit, offset: page.offset };
  }
}

function toEntry(row: Record<string, unknown>): LedgerEntry {
  const id = (value: unknown) => (value === null || value === undefined ? null : String(value));
  return {
    id: String(row['id']),
    kind: row['kind'] as LedgerKind,
    amount: Number(row['amount']),
    reservedChange: Number(row['reserved_change']),
    balanceAfter: Number(row['balance_after']),
    reservedAfter: Number(row['reserved_after']),
    reason: String(row['reason']),
    itemId: id(row['item_id']),
    batchId: id(row['batch_id']),
    runId: id(row['run_id']),
    createdAt: (row['created_at'] as Date).toISOString(),
  };
}

/** A change the ledger can hold: whole milli-credits within bounds, a reason and a key. */
function checkChange(change: CreditChange): void {
  const bad = (message: string) => new PinkseaError('invalid_credit_change', message, 'internal');
  for (const [name, value] of [['amount', change.amount], ['reservedChange', change.reservedChange ?? 0]] as const) {
    if (!Number.isSafeInteger(value) || Math.abs(value) > MAX_CHANGE) throw bad(`${name} must be a whole number of milli-credits within ±${MAX_CHANGE}, not ${value}`);
  }
  if (!isUuid(change.ownerId)) throw bad(`ownerId must be a user id, not "${change.ownerId}"`);
  if (!change.reason || change.reason.length > 500) throw bad('a change needs a reason of 1 to 500 characters');
  if (!change.idempotencyKey || change.idempotencyKey.length > 200) throw bad('a change needs an idempotency key of 1 to 200 characters');
}
