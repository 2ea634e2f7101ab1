/**
 * The studio e2e's steps on the Models page: the demo model listed, and the admin installing a
 * model from a path on the server, watching it finish, and deleting it.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildTinySdPipeline } from '../../nodes/diffusion';
import { MODEL, scratch, type Step } from './e2e-fixtures';
import { E2E_ADMIN } from './e2e-platform';
import { openNav, waitForCount } from './page-actions';
import { shoot } from './page-checks';

const INSTALLED_MODEL = 'E2E tiny pipeline';

export const demoModelListed: Step = {
  name: 'the models page lists the demo model with its size',
  async run(page) {
    await openNav(page, 'Models');
    await page.locator('[data-testid="model-row"]', { hasText: MODEL }).waitFor();
    await shoot(page, '07-models');
  },
};

export const adminInstallsModel: Step = {
  name: 'the admin installs a model from a path on the server, sees it finish and listed, and deletes it',
  async run(page) {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'pinksea-e2e-model-'));
    scratch.push(folder);
    await buildTinySdPipeline(folder, { seed: 7 });
    await page.getByLabel('Email').fill(E2E_ADMIN.email);
    await page.getByLabel('Password').fill(E2E_ADMIN.password);
    await page.getByRole('button', { name: 'Log in', exact: true }).last().click();
    await page.getByRole('heading', { name: 'Generate' }).waitFor();
    await openNav(page, 'Models');
    await page.getByLabel('Source').fill(folder);
    await page.getByLabel('Name').fill(INSTALLED_MODEL);
    await page.getByRole('button', { name: 'Install', exact: true }).click();
    const job = page.locator('[data-testid="install-job"]', { hasText: folder });
    await job.getByRole('progressbar').waitFor();
    await page.locator('[data-testid="install-job"][data-status="completed"]', { hasText: folder }).waitFor({ timeout: 60_000 });
    const done = await job.getByRole('progressbar').getAttribute('aria-valuenow');
    if (done !== '100') throw new Error(`the progress bar ended at ${done}`);
    const row = page.locator('[data-testid="model-row"]', { hasText: INSTALLED_MODEL });
    await row.waitFor();
    await shoot(page, '07b-models-installed');
    await row.getByRole('button', { name: `Delete ${INSTALLED_MODEL}` }).click();
    await page.getByText(`Deleted ${INSTALLED_MODEL}`).waitFor();
    await waitForCount(row, 0);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in to Pinksea' }).waitFor();
  },
};
