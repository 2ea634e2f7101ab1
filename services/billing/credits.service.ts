/**
 * Credits (service `credits`): a user reads their balance (what can be spent and what is held for
 * work not yet settled) and their ledger; an admin adjusts a user's balance with a reason, as a
 * ledger entry, refused when it would take the balance below zero.
 */
import { randomUUID } from 'node:crypto';
import type { ServiceSchema } from 'moleculer';
import type { DataSource } from 'typeorm';
import { defineAction } from '../kernel/action-params';
import { callerOf } from '../kernel/auth-middleware';
import { PAGE_PARAMS, type Page } from '../kernel/request-params';
import { ConflictError, InvalidInputError, NotFoundError } from '../kernel/service-errors';
import { CreditLedger, MILLI } from './credit-ledger';
import type { CreditBalance, LedgerEntry } from './credit-views';


/** The most one adjustment may move, in credits. */
const MAX_ADJUSTMENT = 1_000_000_000;

export function createCreditsService(options: { dataSource: DataSource }): ServiceSchema {
  const ledger = new CreditLedger(options.dataSource);
  const balanceOf = async (ownerId: string): Promise<CreditBalance> => {
    const account = await ledger.account(ownerId);
    if (!account) throw new NotFoundError('user', ownerId);
    return toBalance(account.balance, account.reserved);
  };
  return {
    name: 'credits',
    settings: { rest: '/' },
    actions: {
      balance: defineAction({
        rest: 'GET /credits',
        params: {},
        handler(ctx): Promise<CreditBalance> {
          return balanceOf(callerOf(ctx).id);
        },
      }),
      ledger: defineAction({
        rest: 'GET /credits/ledger',
        params: { ...PAGE_PARAMS },
        handler(ctx): Promise<Page<LedgerEntry>> {
          return ledger.entries(callerOf(ctx).id, ctx.params);
        },
      }),
      adjust: defineAction({
        rest: 'POST /admin/users/:id/credits',
        auth: 'admin',
        description: "Adds credits to a user's balance (a negative amount takes them), as an adjustment with its reason; send the same idempotencyKey again to retry safely.",
        params: {
          id: { type: 'uuid' },
          amount: { type: 'number', min: -MAX_ADJUSTMENT, max: MAX_ADJUSTMENT },
          reason: { type: 'string', min: 3, max: 500, trim: true },
          idempotencyKey: { type: 'string', min: 1, max: 100, optional: true },
        },
        async handler(ctx): Promise<CreditBalance & { entryId: string }> {
          const { id, amount, reason, idempotencyKey } = ctx.params;
          const milli = amount * MILLI;
          if (amount === 0 || Math.abs(milli - Math.round(milli)) > 1e-6) {
            throw new InvalidInputError([{ code: 'invalid_amount', field: 'amount', message: 'A number of credits other than zero, to at most three decimals' }]);
          }
          await balanceOf(id);
          const result = await ledger.apply({
            ownerId: id,
            kind: 'adjustment',
            amount: Math.round(milli),
            reason,
            idempotencyKey: `adjust:${idempotencyKey ?? randomUUID()}`,
            actorId: callerOf(ctx).id,
          });
          if (result.outcome === 'insufficient') {
            throw new ConflictError(`Taking ${-amount} credits would leave the balance below zero: it holds ${result.account.balance / MILLI}`, 'amount');
          }
          return { ...toBalance(result.account.balance, result.account.reserved), entryId: result.entryId };
        },
      }),
    },
  };
}

function toBalance(milli: number, reservedMilli: number): CreditBalance {
  return { credits: milli / MILLI, reservedCredits: reservedMilli / MILLI, milli, reservedMilli };
}
