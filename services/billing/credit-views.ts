/**
 * What the credits routes answer (GET /credits, GET /credits/ledger): plain types, which the
 * studio imports as they are.
 */
export const LEDGER_KINDS = ['grant', 'purchase', 'reservation', 'settlement', 'refund', 'adjustment', 'expiry'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** A balance: credits (to three decimals) and the same in milli-credits. */
export interface CreditBalance {
  readonly credits: number;
  readonly reservedCredits: number;
  readonly milli: number;
  readonly reservedMilli: number;
}

/** One change of the balance or the reservation; amounts in milli-credits, signed. */
export interface LedgerEntry {
  readonly id: string;
  readonly kind: LedgerKind;
  readonly amount: number;
  readonly reservedChange: number;
  readonly balanceAfter: number;
  readonly reservedAfter: number;
  readonly reason: string;
  readonly itemId: string | null;
  readonly batchId: string | null;
  readonly runId: string | null;
  readonly createdAt: string;
}
