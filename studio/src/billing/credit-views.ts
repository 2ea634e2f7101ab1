/**
 * What GET /credits and GET /credits/ledger answer. The server declares these in modules the studio
 * cannot compile (services/billing/credits.service.ts brings moleculer's types, credit-ledger.ts
 * typeorm's and pg's), so until they move to a type module these copies stand in, checked against
 * the server's both ways at compile time by the e2e (billing-steps.ts): a drift fails `studio:e2e`.
 */
export type LedgerKind = 'grant' | 'purchase' | 'reservation' | 'settlement' | 'refund' | 'adjustment' | 'expiry';

export interface CreditBalance {
  readonly credits: number;
  readonly reservedCredits: number;
  /** Thousandths of a credit. */
  readonly milli: number;
  readonly reservedMilli: number;
}

/** One change of the balance or the reservation; amounts in thousandths, signed. */
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
