/**
 * The studio e2e's steps on the Generate page: text to image with the demo model, the layout at
 * tablet size, image to image and a painted mask, inpainting, and a batch's progress and queue.
 */
import type { Page } from 'playwright-core';
import { IMG2IMG_PROMPT, MODEL, type Step } from './e2e-fixtures';
import { apiGet, openNav, TIMEOUT_MS, waitForCount } from './page-actions';
import { shoot, shootAsIs } from './page-checks';

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

export const generateImage: Step = {
  name: 'generate a 64x64 image with the demo model in 4 steps and see it',
  async run(page) {
    await page.locator('select[name="model"] option', { hasText: MODEL }).waitFor({ state: 'attached' });
    await generate(page, { steps: 4, batchCount: 1 });
    await page.waitForFunction(() => document.querySelector<HTMLImageElement>('[data-testid="generated-image"]')?.src.startsWith('blob:') ?? false, null, { timeout: TIMEOUT_MS });
    await page.getByText('1 of 1 done').waitFor();
    await shoot(page, '02-generate');
  },
};

export const fitsTablet: Step = {
  name: 'the studio fits a tablet',
  async run(page) {
    await page.setViewportSize({ width: 820, height: 1180 });
    await shootAsIs(page, '03-generate-tablet');
    await page.setViewportSize({ width: 1366, height: 900 });
  },
};

export const imageToImage: Step = {
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
};

export const batchAndQueue: Step = {
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
};

export const inpaint: Step = {
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
};
