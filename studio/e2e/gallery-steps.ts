/**
 * The studio e2e's steps in the gallery: the viewer with an image's metadata and its star, boards,
 * multi-select and bulk download, and opening an image's workflow or reusing its parameters.
 */
import { readFile } from 'node:fs/promises';
import { IMG2IMG_PROMPT, type Step } from './e2e-fixtures';
import { openNav, TIMEOUT_MS, waitForCount } from './page-actions';
import { shoot } from './page-checks';

export const viewerAndStar: Step = {
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
};

export const selectionBoardsDownload: Step = {
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
};

export const openWorkflowAndParameters: Step = {
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
};
