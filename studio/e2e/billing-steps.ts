/**
 * The studio e2e's steps about plans and credits: Pricing open to a visitor from the sign-in page,
 * and for the signed-up user their trial's 500 credits on the Account page, the grant in the
 * ledger, and Pricing reached from there with the trial marked as theirs.
 */
import type { Page } from 'playwright-core';
import type { Step } from './e2e-fixtures';
import { openNav, waitForCount } from './page-actions';
import { shoot } from './page-checks';

const PLANS = ['Trial', 'Starter', 'Pro', 'Studio', 'Enterprise'];

/** The pricing page shows the five listed plans in order, Starter at $25 with 5,000 credits. */
async function seesPlans(page: Page): Promise<void> {
  await page.getByRole('heading', { name: 'Pricing', level: 1 }).waitFor();
  const cards = page.getByRole('list', { name: 'Plans' }).locator(':scope > li');
  await waitForCount(cards, PLANS.length);
  const names = await cards.getByRole('heading', { level: 2 }).allInnerTexts();
  if (names.join() !== PLANS.join()) throw new Error(`expected the plans ${PLANS.join(', ')}, got ${names.join(', ')}`);
  const starter = page.locator('[data-plan="starter"]');
  await starter.getByText('$25', { exact: true }).waitFor();
  await starter.getByText('5,000 credits a month').waitFor();
  await page.locator('[data-plan="enterprise"]').getByText('Custom price').waitFor();
}

export const pricingSignedOut: Step = {
  name: 'a visitor opens Pricing from the sign-in page and sees the five plans',
  async run(page) {
    await page.getByRole('link', { name: 'See plans and pricing' }).click();
    await seesPlans(page);
    await shoot(page, '16-pricing-signed-out');
    await page.locator('[data-plan="trial"]').getByRole('link', { name: 'Sign up to start' }).click();
    await page.getByRole('heading', { name: 'Log in to Pinksea' }).waitFor();
  },
};

export const trialCredits: Step = {
  name: "the trial's 500 credits on Account, granted in the ledger; Pricing marks the trial as the user's plan",
  async run(page) {
    await openNav(page, 'Account');
    await page.getByTestId('credit-balance').getByText('500', { exact: true }).waitFor();
    await page.getByTestId('plan-name').getByText('Trial', { exact: true }).waitFor();
    const grant = page.locator('[data-testid="ledger-row"][data-kind="grant"]');
    await grant.getByText('Trial plan credits').waitFor();
    await grant.getByText('+500', { exact: true }).waitFor();
    await shoot(page, '16-account-credits');
    await page.getByRole('link', { name: 'See plans and pricing' }).click();
    await seesPlans(page);
    const yours = page.locator('[data-plan][aria-current="true"]');
    await waitForCount(yours, 1);
    if ((await yours.getAttribute('data-plan')) !== 'trial') throw new Error(`expected the trial marked as the user's plan, got ${await yours.getAttribute('data-plan')}`);
    await yours.getByText('Your plan').waitFor();
    await shoot(page, '16-pricing');
    // The workflow steps that follow start on the editor, where the account steps left the page.
    await openNav(page, 'Workflows');
    await page.locator('[data-node-type="core.integer"]').waitFor();
  },
};
