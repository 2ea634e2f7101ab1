/**
 * Plans and the worker pools. Plans are rows of the \`plans\` table (migration Plans), editable by
 * admins; every user has one (a new account starts on the trial). A plan's pool decides which
 * workers take the user's items (services/billing/plan-catalog.ts reads it).
 */

/** A plan's id: a row of \`plans\` (\`trial\`, \`starter\`, \`pro\`, \`studio\`, \`enterprise\`, \`tester\` to begin with). */
export type Plan = string;

export const DEFAULT_PLAN: Plan = 'trial';

/** What a plan id looks like (the table's check). */
export const PLAN_ID = /^[a-z][a-z0-9_-]{1,31}$/;

/** The pools workers join (PINKSEA_WORKER_POOL). */
export const POOLS = ['basic', 'performance', 'dedicated'] as const;
export type Pool = (typeof POOLS)[number];
