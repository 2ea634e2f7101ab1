/**
 * `npm run studio:e2e`: drives the built studio in headless Chromium against the real platform.
 * Signs up, generates with the demo model, runs image to image from an uploaded picture, finds the
 * images in the gallery (boards, multi-select, bulk download, "use these parameters"), cancels a
 * queued item, builds and runs a workflow, publishes it, diffs and restores a version, inpaints from a painted mask, checks that a signed-out access token is refused, signs
 * in as the admin to install a model from a path on the server and delete it, and saves a screenshot
 * of each screen at 1440x900 and 1280x800 under studio/e2e/output/. A step fails on an uncaught
 * error, a Content-Security-Policy violation, a console error or a 5xx answer, even when its clicks
 * succeeded. Ends with one line `studio e2e: N passed, M failed`; exits non-zero when a step fails.
 */
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { buildTinySdPipeline } from '../../nodes/diffusion';
import { E2E_ADMIN, startE2ePlatform, type E2ePlatform } from './e2e-platform';
import { apiGet, connect, meStatus, openNav, TIMEOUT_MS, waitForCount } from './page-actions';
import { OUTPUT, shoot, shootAsIs, watchForProblems } from './page-checks';

const ROOT = path.resolve(__dirname, '../..');
const STUDIO_DIR = process.env['PINKSEA_STUDIO_DIR'] ?? path.join(ROOT, 'dist/studio/browser');
const CHROMIUM = process.env['CHROME_BIN'] ?? '/usr/bin/chromium';
const MODEL = 'Tiny SD (demo)';
const IMG2IMG_PROMPT = 'the same sea, at night';
const INSTALLED_MODEL = 'E2E tiny pipeline';
/** Temp folders the steps made, removed at the end. */
const scratch: string[] = [];

interface Step {
  readonly name: string;
  run(page: Page): Promise<void>;
}

const account = { name: 'E2E Tester', email: `e2e-${Date.now()}@example.com`, password: 'correct horse battery staple' };

/** Uploads a 64x64 init image on the Generate page (a PNG of the page itself is as good as any) and waits for its thumbnail. */
async function uploadInitImage(page: Page, name: string): Promise<void> {
  const png = await page.screenshot({ clip: { x: 0, y: 0, width: 64, height: 64 } });
  await page.getByLabel('Upload an init image').setInputFiles({ name, mimeType: 'image/png', buffer: png });
  await page.waitForFunction(() => document.querySelector<HTMLImageElement>('[data-testid="init-thumb"]')?.src.startsWith('blob:') ?? false, null, { timeout: TIMEOUT_MS });
}

async function generate(page: Page, settings: { steps: number; batchCount: number }): Promise<void> {
  await page.getByLabel('Model').selectOption({ label: MODEL });
  await page.getByLabel('Prompt', { exact: true }).fill('a (pink:1.2) sea at dawn');
  await page.getByLabel('Negative prompt').fill('blurry');
  await page.getByLabel('Width').fill('64');
  await page.getByLabel('Height').fill('64');
  await page.getByLabel('Steps').fill(String(settings.steps));
  await page.getByLabel('Scheduler').selectOption('euler_a');
  await page.getByLabel('Batch count').fill(String(settings.batchCount));
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
}

/** The editor's toolbar is one row at the narrower desktop size: nothing wraps or spills out of it. */
async function toolbarFitsOneRow(page: Page): Promise<void> {
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: 1280, height: 800 });
  try {
    const toolbar = page.getByRole('toolbar', { name: 'Workflow' });
    const layout = await toolbar.evaluate((bar) => {
      const shown = Array.from(bar.children).map((child) => child.getBoundingClientRect()).filter((box) => box.width > 1 && box.height > 1);
      return { tops: [...new Set(shown.map((box) => Math.round(box.top)))], right: Math.max(...shown.map((box) => box.right)), edge: bar.getBoundingClientRect().right };
    });
    if (layout.right > layout.edge + 1 || Math.max(...layout.tops) - Math.min(...layout.tops) > 8) throw new Error(`the workflow toolbar does not fit one row at 1280px: ${JSON.stringify(layout)}`);
  } finally {
    if (viewport) await page.setViewportSize(viewport);
  }
}

const steps: Step[] = [
  {
    name: 'a signed-out visitor lands on the sign-in page',
    async run(page) {
      await page.getByRole('heading', { name: 'Log in to Pinksea' }).waitFor();
      if (!page.url().endsWith('/login')) throw new Error(`expected /login, got ${page.url()}`);
      await shoot(page, '01-login');
    },
  },
  {
    name: 'a bad password shows the server message in a toast',
    async run(page) {
      await page.getByLabel('Email').fill('nobody@example.com');
      await page.getByLabel('Password').fill('wrong-password-123');
      await page.getByRole('button', { name: 'Log in', exact: true }).last().click();
      const alert = page.getByRole('alert').first();
      await alert.getByText('The email or password is wrong').waitFor();
      await alert.getByRole('button', { name: 'Dismiss' }).click();
    },
  },
  {
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
  },
  {
    name: 'generate a 64x64 image with the demo model in 4 steps and see it',
    async run(page) {
      await page.locator('select[name="model"] option', { hasText: MODEL }).waitFor({ state: 'attached' });
      await generate(page, { steps: 4, batchCount: 1 });
      await page.waitForFunction(() => document.querySelector<HTMLImageElement>('[data-testid="generated-image"]')?.src.startsWith('blob:') ?? false, null, { timeout: TIMEOUT_MS });
      await page.getByText('1 of 1 done').waitFor();
      await shoot(page, '02-generate');
    },
  },
  {
    name: 'the studio fits a tablet',
    async run(page) {
      await page.setViewportSize({ width: 820, height: 1180 });
      await shootAsIs(page, '03-generate-tablet');
      await page.setViewportSize({ width: 1366, height: 900 });
    },
  },
  {
    name: 'the image is in the gallery, opens in the viewer with its metadata, and can be starred',
    async run(page) {
      await openNav(page, 'Gallery');
      await page.waitForFunction(() => document.querySelector<HTMLImageElement>('[data-testid="gallery-thumb"]')?.src.startsWith('blob:') ?? false, null, { timeout: TIMEOUT_MS });
      await page.getByRole('button', { name: /^Open / }).first().click();
      await page.getByRole('dialog').getByText('txt2img').waitFor();
      await page.waitForFunction(() => document.querySelector<HTMLImageElement>('[data-testid="viewer-image"]')?.src.startsWith('blob:') ?? false, null, { timeout: TIMEOUT_MS });
      await page.getByRole('dialog').getByRole('button', { name: '☆ Star' }).click();
      await page.getByRole('dialog').getByRole('button', { name: '★ Starred' }).waitFor();
      await shoot(page, '04-gallery');
    },
  },
  {
    name: 'image to image: upload a 64x64 picture, strength 0.3, and see the result',
    async run(page) {
      await openNav(page, 'Generate');
      await uploadInitImage(page, 'init.png');
      if (!(await page.getByLabel('Width').isDisabled())) throw new Error('the width should follow the init image');
      await page.locator('input[name="strength"]').evaluate((input: HTMLInputElement) => {
        input.value = '0.3';
        input.dispatchEvent(new Event('input', { bubbles: true }));
      });
      await page.getByText('Strength 0.3').waitFor();
      await page.getByLabel('Model').selectOption({ label: MODEL });
      await page.getByLabel('Prompt', { exact: true }).fill(IMG2IMG_PROMPT);
      await page.getByLabel('Steps').fill('4');
      await page.getByLabel('Batch count').fill('1');
      await page.getByRole('button', { name: 'Generate', exact: true }).click();
      await page.getByText('1 of 1 done').waitFor();
      await page.waitForFunction(() => document.querySelector<HTMLImageElement>('[data-testid="generated-image"]')?.src.startsWith('blob:') ?? false, null, { timeout: TIMEOUT_MS });
      const name = (await page.locator('figcaption').first().textContent())?.trim() ?? '';
      const { metadata } = await apiGet<{ metadata: Record<string, unknown> }>(page, `/images/${encodeURIComponent(name)}/metadata`);
      if (metadata['mode'] !== 'img2img' || metadata['strength'] !== 0.3 || metadata['width'] !== 64) throw new Error(`unexpected metadata ${JSON.stringify(metadata)}`);
      await shoot(page, '02b-generate-img2img');
      await page.getByRole('checkbox', { name: 'Inpaint: paint a mask' }).check();
      await page.getByTestId('mask-canvas').waitFor();
      const box = await page.getByTestId('mask-canvas').boundingBox();
      if (!box) throw new Error('the mask canvas is not on screen');
      await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.5, { steps: 6 });
      await page.mouse.up();
      await shoot(page, '02c-generate-inpaint-mask');
      await page.getByRole('button', { name: 'Remove', exact: true }).click();
      await page.getByLabel('Upload an init image').waitFor({ state: 'attached' });
    },
  },
  {
    name: 'gallery: select two images, move them to a new board, and bulk-download them as a zip',
    async run(page) {
      await openNav(page, 'Gallery');
      const thumbs = page.getByRole('button', { name: /^Open / });
      await waitForCount(thumbs, 3);
      await thumbs.nth(0).click();
      await thumbs.nth(1).click({ modifiers: ['Control'] });
      await page.getByTestId('bulk-bar').getByText('2 selected').waitFor();
      await page.getByLabel('New board name').fill('Keepers');
      await page.getByRole('button', { name: 'Add board' }).click();
      await page.locator('[data-testid="board-filter"] option', { hasText: 'Keepers' }).waitFor({ state: 'attached' });
      await page.getByLabel('Move the selected images to a board').selectOption({ label: 'Keepers' });
      await page.getByText('Moved 2 images to Keepers').waitFor();
      await page.getByTestId('bulk-bar').getByText('2 selected').waitFor();
      const downloaded = page.waitForEvent('download');
      await page.getByTestId('bulk-bar').getByRole('button', { name: 'Download' }).click();
      const zip = await readFile((await (await downloaded).path())!);
      if (zip.length < 100 || zip.subarray(0, 2).toString() !== 'PK') throw new Error(`the download is not a zip (${zip.length} bytes)`);
      await shoot(page, '04b-gallery-selection');
      await page.getByTestId('board-filter').selectOption({ label: 'Keepers (2)' });
      await waitForCount(thumbs, 2);
      await page.getByTestId('board-filter').selectOption({ label: 'All images' });
      await waitForCount(thumbs, 3);
    },
  },
  {
    name: '"open workflow" shows the graph an image was made by; "use these parameters" fills the Generate form',
    async run(page) {
      await page.getByRole('button', { name: 'Clear selection' }).click();
      await page.getByRole('button', { name: /^Open / }).first().click();
      await page.getByRole('dialog').getByText('img2img').waitFor();
      await page.getByRole('dialog').getByRole('button', { name: 'Open workflow' }).click();
      await page.locator('[data-testid="node"][data-type="image.save"]').waitFor();
      await page.locator('[data-testid="node"][data-type="diffusion.image_to_latents"]').waitFor();
      await shoot(page, '04d-workflow-from-image');
      await openNav(page, 'Gallery');
      await page.getByRole('button', { name: /^Open / }).first().click();
      await page.getByRole('dialog').getByText('img2img').waitFor();
      await page.getByRole('dialog').getByRole('button', { name: 'Use these parameters' }).click();
      await page.getByRole('heading', { name: 'Generate' }).waitFor();
      const prompt = await page.getByLabel('Prompt', { exact: true }).inputValue();
      const steps = await page.getByLabel('Steps').inputValue();
      const width = await page.getByLabel('Width').inputValue();
      const locked = await page.getByLabel('Lock the seed').isChecked();
      if (prompt !== IMG2IMG_PROMPT || steps !== '4' || width !== '64' || !locked) throw new Error(`the form holds ${JSON.stringify({ prompt, steps, width, locked })}`);
      await shoot(page, '04c-generate-from-parameters');
    },
  },
  {
    name: 'a batch shows progress with a preview, and a queued item can be canceled from the queue',
    async run(page) {
      await openNav(page, 'Generate');
      // The most the API takes: on a runner thread a 200-step item can take 0.2 s, and the batch
      // must still have pending items when the test cancels one and then all.
      await generate(page, { steps: 200, batchCount: 100 });
      await page.getByRole('progressbar', { name: 'Denoising' }).waitFor();
      await page.getByAltText('Preview of the image being generated').waitFor();
      await shoot(page, '05-generate-progress');
      await openNav(page, 'Queue');
      // The newest queued item runs last, so the worker cannot take it while the test clicks.
      const newest = page.locator('[data-testid="queue-row"][data-status="pending"]').first();
      await newest.waitFor({ timeout: TIMEOUT_MS });
      const itemId = await newest.getAttribute('data-item-id');
      const row = page.locator(`[data-testid="queue-row"][data-item-id="${itemId}"]`);
      await row.getByRole('button', { name: `Cancel item ${itemId}` }).click();
      await page.locator(`[data-testid="queue-row"][data-item-id="${itemId}"][data-status="canceled"]`).waitFor({ timeout: TIMEOUT_MS });
      await page.getByRole('button', { name: `Retry item ${itemId}` }).waitFor();
      await page.locator('[data-testid="item-progress"]').first().waitFor();
      await shoot(page, '06-queue');
      // Stop the rest of the batch (confirmed), so shutting down waits for nothing; then clear the finished.
      await page.getByRole('button', { name: 'Cancel all' }).click();
      await page.getByText('Canceled all items').waitFor();
      await waitForCount(page.locator('[data-testid="queue-row"][data-status="pending"]'), 0);
      await page.getByRole('button', { name: 'Clear finished' }).click();
      await page.getByText('Removed the finished items').waitFor();
    },
  },
  {
    name: 'the models page lists the demo model with its size',
    async run(page) {
      await openNav(page, 'Models');
      await page.locator('[data-testid="model-row"]', { hasText: MODEL }).waitFor();
      await shoot(page, '07-models');
    },
  },
  {
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
  },
  {
    name: 'workflows: drag nodes onto the canvas, connect them, see a refused connection, run to done',
    async run(page) {
      const canvas = page.getByRole('application', { name: 'Workflow canvas' });
      const nodes = page.locator('[data-testid="node"]');
      await page.locator('[data-node-type="core.integer"]').dragTo(canvas, { targetPosition: { x: 80, y: 80 } });
      await nodes.first().waitFor();
      await page.locator('[data-node-type="core.add"]').dragTo(canvas, { targetPosition: { x: 440, y: 100 } });
      await page.getByLabel('Search nodes').fill('text');
      await page.locator('[data-node-type="core.string"]').focus();
      await page.keyboard.press('Enter');
      await waitForCount(nodes, 3);
      const integer = page.locator('[data-testid="node"][data-type="core.integer"]');
      const add = page.locator('[data-testid="node"][data-type="core.add"]');
      const text = page.locator('[data-testid="node"][data-type="core.string"]');
      await connect(page, integer.locator('[data-output="value"] [data-testid="socket"]'), add.locator('[data-input="a"] [data-testid="socket"]'));
      await waitForCount(page.locator('svg[data-testid="connection"]'), 1);
      await connect(page, text.locator('[data-output="value"] [data-testid="socket"]'), add.locator('[data-input="b"] [data-testid="socket"]'));
      await page.getByRole('alert').filter({ hasText: 'cannot feed a float input' }).first().waitFor();
      await waitForCount(page.locator('svg[data-testid="connection"]'), 1);
      await integer.locator('.head').click();
      await page.getByLabel('Value').fill('7');
      await page.getByLabel('Value').press('Tab');
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      for (const node of [integer, add, text]) await page.locator(`[data-testid="node"][data-node-id="${await node.getAttribute('data-node-id')}"][data-status="done"]`).waitFor();
      // Auto-arrange loads ELK lazily: its chunk must run under the CSP too.
      const layout = () => page.locator('[data-testid="node"]').evaluateAll((all) => all.map((node) => `${Math.round(node.getBoundingClientRect().x)},${Math.round(node.getBoundingClientRect().y)}`).join(' '));
      const before = await layout();
      await page.getByRole('button', { name: 'Auto-arrange' }).click();
      const deadline = Date.now() + TIMEOUT_MS;
      while ((await layout()) === before) {
        if (Date.now() > deadline) throw new Error('Auto-arrange moved no node');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await page.getByRole('button', { name: 'Zoom to fit' }).click();
      await page.waitForTimeout(300);
      await shoot(page, '10-workflow-editor');
    },
  },
  {
    name: 'workflows: a run shows every output of a node, not only images',
    async run(page) {
      const outputs = page.locator('[data-testid="run-output"]');
      await outputs.first().waitFor();
      const kinds = await outputs.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-output-kind')));
      if (!kinds.includes('number')) throw new Error(`expected a number output, found ${JSON.stringify(kinds)}`);
      await page.getByRole('list', { name: 'Node statuses' }).getByText('7', { exact: true }).first().waitFor();
    },
  },
  {
    name: 'workflow versions: publish with a note, change a field, see the change in Versions, restore it',
    async run(page) {
      const toolbar = page.getByRole('toolbar', { name: 'Workflow' });
      const integer = page.locator('[data-testid="node"][data-type="core.integer"]');
      await page.getByLabel('Workflow name').fill('E2E versions');
      await toolbar.getByRole('button', { name: 'Publish…' }).click();
      await page.getByLabel('Note').fill('First cut: the integer is 7');
      await page.getByRole('button', { name: 'Publish', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Published version 1 of “E2E versions”' }).waitFor();
      await toolbarFitsOneRow(page);

      await integer.locator('.head').click();
      await page.getByLabel('Value').fill('12');
      await page.getByLabel('Value').press('Tab');
      await toolbar.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Saved “E2E versions”' }).waitFor();

      await toolbar.getByRole('button', { name: 'Versions' }).click();
      const drawer = page.getByRole('complementary', { name: 'Versions' });
      const row = drawer.locator('[data-testid="version-row"][data-version="1"]');
      await row.getByText('First cut: the integer is 7').waitFor();
      await row.getByText(/^you · /).waitFor();
      await row.click();
      await drawer.getByTestId('diff-summary').getByText('1 node changed').waitFor();
      const change = drawer.getByTestId('diff-node').filter({ hasText: 'Integer' }).getByTestId('diff-field');
      const text = (await change.innerText()).replace(/\s+/g, ' ').trim();
      if (text !== 'Value 7 → 12') throw new Error(`the diff reads "${text}", not "Value 7 → 12"`);
      await shoot(page, '11-workflow-versions');

      await drawer.getByRole('button', { name: 'Restore v1 as draft' }).click();
      await page.getByRole('status').filter({ hasText: 'Restored version 1 as the draft' }).waitFor();
      await drawer.getByTestId('diff-summary').getByText('No changes').waitFor();
      await drawer.getByRole('button', { name: 'Close versions' }).click();
      await integer.locator('.head').click();
      const value = await page.getByLabel('Value').inputValue();
      if (value !== '7') throw new Error(`after the restore the integer holds ${value}, not 7`);
    },
  },
  {
    name: 'inpainting: a 64x64 init image, a painted mask, strength 1, 4 steps, and see the result',
    async run(page) {
      await openNav(page, 'Generate');
      await uploadInitImage(page, 'inpaint.png');
      await page.getByRole('checkbox', { name: 'Inpaint: paint a mask' }).check();
      const box = await page.getByTestId('mask-canvas').boundingBox();
      if (!box) throw new Error('the mask canvas is not on screen');
      await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.4);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.6, { steps: 8 });
      await page.mouse.up();
      await page.locator('input[name="strength"]').evaluate((input: HTMLInputElement) => {
        input.value = '1';
        input.dispatchEvent(new Event('input', { bubbles: true }));
      });
      await page.getByText('Strength 1').waitFor();
      await page.getByLabel('Model').selectOption({ label: MODEL });
      await page.getByLabel('Prompt', { exact: true }).fill('a pink boat on the sea');
      await page.getByLabel('Steps').fill('4');
      await page.getByLabel('Batch count').fill('1');
      await page.getByRole('button', { name: 'Generate', exact: true }).click();
      await page.getByText('1 of 1 done').waitFor();
      await page.waitForFunction(() => document.querySelector<HTMLImageElement>('[data-testid="generated-image"]')?.src.startsWith('blob:') ?? false, null, { timeout: TIMEOUT_MS });
      const name = (await page.locator('figcaption').first().textContent())?.trim() ?? '';
      const { metadata } = await apiGet<{ metadata: Record<string, unknown> }>(page, `/images/${encodeURIComponent(name)}/metadata`);
      if (metadata['mode'] !== 'inpaint' || metadata['strength'] !== 1 || !metadata['mask']) throw new Error(`unexpected metadata ${JSON.stringify(metadata)}`);
      await shoot(page, '02d-generate-inpaint');
    },
  },
  {
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
  },
  {
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
  },
];

async function main(): Promise<number> {
  await mkdir(OUTPUT, { recursive: true });
  // A failure's picture from an earlier run would read as one of this run.
  for (const file of await readdir(OUTPUT)) if (file.startsWith('failed-')) await rm(path.join(OUTPUT, file));
  let platform: E2ePlatform | undefined;
  let browser: Browser | undefined;
  let passed = 0;
  let failed = 0;
  try {
    platform = await startE2ePlatform(STUDIO_DIR);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.setDefaultTimeout(TIMEOUT_MS);
    page.on('dialog', (dialog) => void dialog.accept());
    const problems = await watchForProblems(page);
    await page.goto(platform.origin);
    for (const step of steps) {
      try {
        await step.run(page);
        if (problems.length > 0) throw new Error(`the page reported: ${problems.splice(0).join('; ').replace(/\s+/g, ' ')}`);
        passed += 1;
        console.log(`  ✓ ${step.name}`);
      } catch (error) {
        failed += 1;
        console.log(`  ✗ ${step.name}\n    ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
        for (const problem of problems.splice(0)) console.log(`    also: ${problem}`);
        await shootAsIs(page, `failed-${passed + failed}`).catch(() => undefined);
      }
    }
  } catch (error) {
    failed += 1;
    console.error(`studio e2e could not run: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await browser?.close();
    for (const folder of scratch) await rm(folder, { recursive: true, force: true });
    await platform?.stop().catch((error: unknown) => console.error('stopping the platform failed:', error));
  }
  console.log(`screenshots: ${path.relative(ROOT, OUTPUT)}/`);
  console.log(`studio e2e: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then((code) => process.exit(code));
