import type { PlanRecord } from '../core/api-types';
import { formatCredits, formatPrice, gpuMinutes, ledgerTone, megapixels, planAction, planFeatures, signedCredits, squareSide } from './billing-format';

const MP = 1024 * 1024;
const starter: PlanRecord = {
  id: 'starter', name: 'Starter', description: 'For one person', priceCents: 2500, currency: 'usd', credits: 5000, trialDays: null, pool: 'basic',
  priority: 1, concurrentItems: 2, apiPerMinute: 300, maxImagePixels: 4 * MP, maxAutomations: 10, rollover: false, listed: true, sort: 1,
};
const trial: PlanRecord = { ...starter, id: 'trial', name: 'Trial', priceCents: 0, credits: 500, trialDays: 7, concurrentItems: 1, maxImagePixels: MP, maxAutomations: 5 };
const enterprise: PlanRecord = { ...starter, id: 'enterprise', name: 'Enterprise', priceCents: null, credits: 0, pool: 'dedicated', rollover: true };

describe('billing wording', () => {
  it('prices a plan a month, free for a trial, custom where there is no number', () => {
    expect(formatPrice(starter)).toBe('$25');
    expect(formatPrice({ ...starter, priceCents: 2550 })).toBe('$25.50');
    expect(formatPrice({ ...starter, priceCents: 15000 })).toBe('$150');
    expect(formatPrice(trial)).toBe('Free for 7 days');
    expect(formatPrice({ ...trial, trialDays: null })).toBe('Free');
    expect(formatPrice(enterprise)).toBe('Custom price');
  });

  it('shows milli-credits as credits with three decimals at most, none trailing', () => {
    expect(formatCredits(500_000)).toBe('500');
    expect(formatCredits(1_500)).toBe('1.5');
    expect(formatCredits(1_234_567)).toBe('1,234.567');
    expect(formatCredits(1)).toBe('0.001');
    expect(formatCredits(0)).toBe('0');
  });

  it('signs ledger amounts with + and a real minus', () => {
    expect(signedCredits(500_000)).toBe('+500');
    expect(signedCredits(-1_250)).toBe('\u22121.25');
    expect(signedCredits(0)).toBe('0');
  });

  it('words GPU time and image sizes', () => {
    expect(gpuMinutes(5000)).toBe('≈ 83 GPU-minutes');
    expect(gpuMinutes(60)).toBe('≈ 1 GPU-minute');
    expect(megapixels(4 * MP)).toBe('4 MP');
    expect(megapixels(1.5 * MP)).toBe('1.5 MP');
    expect(squareSide(4 * MP)).toBe('2048 × 2048 pixels');
    expect(squareSide(8 * MP)).toBe('2896 × 2896 pixels');
  });

  it("lists a plan's features in one order on every card", () => {
    expect(planFeatures(starter).map((line) => line.text)).toEqual([
      '5,000 credits a month',
      'Shared basic GPUs',
      '10 automations',
      '2 items at once',
      'Images up to 4 MP',
      'Credits reset each month',
    ]);
    expect(planFeatures(starter)[0]?.detail).toBe('≈ 83 GPU-minutes');
    expect(planFeatures(starter)[4]?.detail).toBe('2048 × 2048 pixels');
    expect(planFeatures(trial).map((line) => line.text)).toContain('1 item at a time');
    expect(planFeatures(trial).map((line) => line.text)).toContain('Credits end with the trial');
    expect(planFeatures(enterprise)[0]).toEqual({ text: 'Credits to fit your workload' });
    expect(planFeatures(enterprise).map((line) => line.text)).toContain('Dedicated GPUs');
    expect(planFeatures(enterprise).map((line) => line.text)).toContain('Unused credits roll over');
  });

  it('never offers to buy: marks the current plan, and says who switches the others', () => {
    expect(planAction(starter, 'starter')).toEqual({ kind: 'current', text: 'Your plan' });
    expect(planAction(starter, 'trial')).toEqual({ kind: 'note', text: 'Ask an admin to switch you' });
    expect(planAction(trial, null).kind).toBe('sign-up');
    expect(planAction(trial, 'pro').text).toBe('For new accounts');
    expect(planAction(enterprise, 'trial').text).toBe('Contact us');
  });

  it('tones ledger kinds: credits in are ok, held are busy', () => {
    expect(ledgerTone('grant')).toBe('ok');
    expect(ledgerTone('reservation')).toBe('busy');
    expect(ledgerTone('settlement')).toBe('quiet');
  });
});
