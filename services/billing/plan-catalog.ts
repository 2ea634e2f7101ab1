/**
 * The plans table as the platform reads it on every enqueue: kept in memory for a few seconds
 * (admins change plans rarely; a change reaches every process within that), with what a plan
 * decides at admission: the worker pool, and whether the account's plan has ended (a trial past
 * its days), which refuses the run with 402 and where to upgrade.
 */
import type { DataSource } from 'typeorm';
import { PinkseaError } from '../../engine/errors';
import type { PlanRecord } from './plan-records';
import { PlanRepository } from './plans.repository';

/** How long the plans and an account's plan are trusted from memory. */
const CACHE_MS = 5000;
/** Where a refused user chooses a plan (the studio's pricing page). */
export const UPGRADE_PATH = '/pricing';

export class PaymentRequiredError extends PinkseaError {
  override readonly name = 'PaymentRequiredError';
  constructor(message: string) {
    super('payment_required', `${message}: choose a plan at ${UPGRADE_PATH}`);
  }
}

export class PlanCatalog {
  private readonly repository: PlanRepository;
  private plans: { at: number; byId: Map<string, PlanRecord> } | undefined;
  private readonly accounts = new Map<string, { at: number; plan: string; endsAt: Date | null }>();

  constructor(private readonly dataSource: DataSource) {
    this.repository = new PlanRepository(dataSource);
  }

  async get(id: string): Promise<PlanRecord | undefined> {
    if (!this.plans || Date.now() - this.plans.at > CACHE_MS) {
      this.plans = { at: Date.now(), byId: new Map((await this.repository.list(true)).map((plan) => [plan.id, plan])) };
    }
    return this.plans.byId.get(id);
  }

  /** Forgets the plans read (one changed here). */
  forget(): void {
    this.plans = undefined;
    this.accounts.clear();
  }

  /**
   * The pool an owner's item runs on, after checking the owner's plan has not ended; a plan that no
   * longer exists (an old row) runs on the basic pool.
   */
  async admit(ownerId: string): Promise<string> {
    const account = await this.accountOf(ownerId);
    if (account.endsAt && account.endsAt.getTime() <= Date.now()) {
      const plan = await this.get(account.plan);
      throw new PaymentRequiredError(`Your ${plan?.name ?? account.plan} plan ended on ${account.endsAt.toISOString().slice(0, 10)}, so runs are paused`);
    }
    return (await this.get(account.plan))?.pool ?? 'basic';
  }

  private async accountOf(ownerId: string): Promise<{ plan: string; endsAt: Date | null }> {
    const cached = this.accounts.get(ownerId);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached;
    const rows = (await this.dataSource.query(`SELECT plan, plan_ends_at FROM users WHERE id = $1`, [ownerId])) as { plan: string; plan_ends_at: Date | null }[];
    const account = { at: Date.now(), plan: rows[0]?.plan ?? 'trial', endsAt: rows[0]?.plan_ends_at ?? null };
    if (this.accounts.size > 10_000) this.accounts.clear();
    this.accounts.set(ownerId, account);
    return account;
  }
}
