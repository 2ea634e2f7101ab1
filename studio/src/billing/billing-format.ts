/**
 * How the pricing page and the credits card word plans and credits: a plan's price ("$25",
 * "Free for 7 days", "Custom price"), its features as lines a person compares across cards, what
 * its button may honestly say while there is no checkout, and credits (kept in thousandths by the
 * server) as at most three decimals, signed with + and − in the ledger.
 */
import type { PlanRecord } from '../core/api-types';
import type { LedgerKind } from '../core/api-types';

/** Milli-credits in a credit (1 credit = 1 GPU-second). */
const MILLI = 1000;
const MEGAPIXEL = 1024 * 1024;
const MINUS = '\u2212';

export const POOL_WORDS: Readonly<Record<PlanRecord['pool'], string>> = {
  basic: 'Shared basic GPUs',
  performance: 'Faster GPUs',
  dedicated: 'Dedicated GPUs',
};

export const LEDGER_KIND_LABELS: Readonly<Record<LedgerKind, string>> = {
  grant: 'Grant',
  purchase: 'Purchase',
  reservation: 'Reserved',
  settlement: 'Charged',
  refund: 'Refund',
  adjustment: 'Adjustment',
  expiry: 'Expired',
};

/** The badge tone of a ledger entry's kind (the automation badges' tones). */
export function ledgerTone(kind: LedgerKind): 'ok' | 'busy' | 'quiet' {
  if (kind === 'grant' || kind === 'purchase' || kind === 'refund') return 'ok';
  if (kind === 'reservation') return 'busy';
  return 'quiet';
}

/** A whole number with thousands separators: 15000 → "15,000". */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 0 });
}

/** Milli-credits as credits, at most three decimals and none trailing: 1500 → "1.5", 500000 → "500". */
export function formatCredits(milli: number): string {
  const text = (Math.abs(milli) / MILLI).toLocaleString('en-US', { maximumFractionDigits: 3 });
  return milli < 0 && text !== '0' ? `${MINUS}${text}` : text;
}

/** A ledger amount in credits with its sign: "+500", "−1.25", "0". */
export function signedCredits(milli: number): string {
  const text = formatCredits(Math.abs(milli));
  if (text === '0') return text;
  return `${milli < 0 ? MINUS : '+'}${text}`;
}

/** A plan's price a month, in words where it is not a number. */
export function formatPrice(plan: Pick<PlanRecord, 'priceCents' | 'currency' | 'trialDays'>): string {
  if (plan.priceCents === null) return 'Custom price';
  if (plan.priceCents === 0) return plan.trialDays === null ? 'Free' : `Free for ${plan.trialDays} ${plan.trialDays === 1 ? 'day' : 'days'}`;
  const whole = plan.priceCents % 100 === 0;
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: plan.currency.toUpperCase(),
    minimumFractionDigits: whole ? 0 : 2,
    maximumFractionDigits: whole ? 0 : 2,
  }).format(plan.priceCents / 100);
}

/** Whether a plan's price is paid each month (and so reads "… / month"). */
export function isMonthly(plan: Pick<PlanRecord, 'priceCents'>): boolean {
  return plan.priceCents !== null && plan.priceCents > 0;
}

/** Credits as GPU time: 5,000 credits ≈ 83 GPU-minutes. */
export function gpuMinutes(credits: number): string {
  const minutes = Math.round(credits / 60);
  return `≈ ${formatCount(minutes)} GPU-${minutes === 1 ? 'minute' : 'minutes'}`;
}

/** Megapixels, one decimal at most: 4 × 1024² pixels → "4 MP". */
export function megapixels(pixels: number): string {
  return `${Math.round((pixels / MEGAPIXEL) * 10) / 10} MP`;
}

/** The square image that many pixels make: 4 MP → "2048 × 2048 pixels". */
export function squareSide(pixels: number): string {
  const side = Math.floor(Math.sqrt(pixels));
  return `${side} × ${side} pixels`;
}

export interface PlanFeature {
  readonly text: string;
  readonly detail?: string;
}

/** What a plan gives, as the lines of its card, in the same order on every card. */
export function planFeatures(plan: PlanRecord): PlanFeature[] {
  const trial = plan.trialDays !== null;
  const credits: PlanFeature =
    plan.credits > 0
      ? { text: `${formatCount(plan.credits)} credits ${trial ? 'to start' : 'a month'}`, detail: gpuMinutes(plan.credits) }
      : { text: 'Credits to fit your workload' };
  return [
    credits,
    { text: POOL_WORDS[plan.pool] },
    { text: `${formatCount(plan.maxAutomations)} ${plan.maxAutomations === 1 ? 'automation' : 'automations'}` },
    { text: plan.concurrentItems === 1 ? '1 item at a time' : `${formatCount(plan.concurrentItems)} items at once` },
    { text: `Images up to ${megapixels(plan.maxImagePixels)}`, detail: squareSide(plan.maxImagePixels) },
    { text: trial ? 'Credits end with the trial' : plan.rollover ? 'Unused credits roll over' : 'Credits reset each month' },
  ];
}

/**
 * What a plan's card offers the person looking at it. There is no checkout yet, so nothing offers
 * to buy: the current plan is marked, the trial is reached by signing up, and other plans are
 * switched by an admin (or, for a custom price, by talking to us).
 */
export type PlanAction =
  | { readonly kind: 'current'; readonly text: string }
  | { readonly kind: 'sign-up'; readonly text: string }
  | { readonly kind: 'note'; readonly text: string };

export function planAction(plan: Pick<PlanRecord, 'id' | 'priceCents' | 'trialDays'>, currentPlanId: string | null): PlanAction {
  if (plan.id === currentPlanId) return { kind: 'current', text: 'Your plan' };
  if (plan.priceCents === null) return { kind: 'note', text: 'Contact us' };
  if (plan.trialDays !== null) return currentPlanId === null ? { kind: 'sign-up', text: 'Sign up to start' } : { kind: 'note', text: 'For new accounts' };
  return { kind: 'note', text: currentPlanId === null ? 'Sign up, then ask an admin to switch you' : 'Ask an admin to switch you' };
}
