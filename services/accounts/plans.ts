/**
 * Plans and the worker pool each one runs on. Every user has a plan (a new account starts on the
 * free trial); the plan decides which pool's workers take the user's queue items. Billing (credits,
 * prices, limits) builds on this list.
 */
export const PLANS = ['trial', 'basic', 'pro', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];

export const DEFAULT_PLAN: Plan = 'trial';

/** The pools workers join (PINKSEA_WORKER_POOL). */
export const POOLS = ['basic', 'performance', 'dedicated'] as const;
export type Pool = (typeof POOLS)[number];

const PLAN_POOL: Readonly<Record<Plan, Pool>> = {
  trial: 'basic',
  basic: 'basic',
  pro: 'performance',
  enterprise: 'dedicated',
};

/** The pool whose workers run this plan's items; an unknown plan (an old row) gets the basic pool. */
export function poolOfPlan(plan: string): Pool {
  return (PLAN_POOL as Record<string, Pool | undefined>)[plan] ?? 'basic';
}
