/**
 * The studio e2e's steps about who is signed in: the sign-in page a visitor lands on, a refused
 * password, signing up, the session surviving a reload, and logging out for good.
 */
import { account, type Step } from './e2e-fixtures';
import { meStatus, openNav, TIMEOUT_MS } from './page-actions';
import { shoot } from './page-checks';

export const landsOnSignIn: Step = {
  name: 'a signed-out visitor lands on the sign-in page',
  async run(page) {
    await page.getByRole('heading', { name: 'Log in to Pinksea' }).waitFor();
    if (!page.url().endsWith('/login')) throw new Error(`expected /login, got ${page.url()}`);
    await shoot(page, '01-login');
  },
};

export const badPasswordToast: Step = {
  name: 'a bad password shows the server message in a toast',
  async run(page) {
    await page.getByLabel('Email').fill('nobody@example.com');
    await page.getByLabel('Password').fill('wrong-password-123');
    await page.getByRole('button', { name: 'Log in', exact: true }).last().click();
    const alert = page.getByRole('alert').first();
    await alert.getByText('The email or password is wrong').waitFor();
    await alert.getByRole('button', { name: 'Dismiss' }).click();
  },
};

export const signUp: Step = {
  name: 'sign up and land on Generate',
  async run(page) {
    await page.getByRole('tab', { name: 'Sign up' }).click();
    await page.getByLabel('Name').fill(account.name);
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign up', exact: true }).last().click();
    await page.getByRole('heading', { name: 'Generate' }).waitFor();
    await page.getByText(account.name).waitFor();
  },
};

export const pagesKeepSession: Step = {
  name: 'account and workflows pages render; a reload keeps the session',
  async run(page) {
    await openNav(page, 'Account');
    await page.getByText(account.email).waitFor();
    await shoot(page, '08-account');
    await openNav(page, 'Workflows');
    await page.locator('[data-node-type="core.integer"]').waitFor();
    await page.reload();
    await page.locator('[data-node-type="core.integer"]').waitFor();
    await shoot(page, '09-workflows');
  },
};

export const logOutRefusesToken: Step = {
  name: 'log out returns to the sign-in page, and the old access token is refused from then on',
  async run(page) {
    const token = await page.evaluate(() => (JSON.parse(localStorage.getItem('pinksea.session') ?? '{}') as { accessToken?: string }).accessToken ?? '');
    if (!token) throw new Error('no access token before logging out');
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in to Pinksea' }).waitFor();
    // The studio forgets the session first and tells the server after, so wait for the refusal.
    const deadline = Date.now() + TIMEOUT_MS;
    let status = 0;
    while ((status = await meStatus(page, token)) !== 401) {
      if (Date.now() > deadline) throw new Error(`GET /auth/me with the signed-out token answered ${status}, not 401`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  },
};
