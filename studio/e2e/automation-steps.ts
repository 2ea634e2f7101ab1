/**
 * The studio e2e's steps for automations: an empty Automations page; a workflow built in the editor
 * (Webhook trigger waiting for the run → Resize Image → Respond with the image), published and made
 * an automation from the editor, its URL read from the page and called with a PNG, which comes back
 * resized; that run in the history and its detail with the node timeline; a Schedule trigger every
 * 2 seconds with its preview in the editor, whose runs appear in the history on their own; and the
 * Automations page with both, where the schedule is switched off.
 */
import type { Locator, Page } from 'playwright-core';
import type { Step } from './e2e-fixtures';
import { apiGet, connect, openNav, TIMEOUT_MS, waitForCount } from './page-actions';
import { shoot } from './page-checks';
import { toolbarFitsOneRow } from './workflow-steps';

const HOOK_WORKFLOW = 'E2E resize hook';
const SCHEDULE_WORKFLOW = 'E2E every 2 seconds';

/** A node on the canvas by its type. */
const nodeOf = (page: Page, type: string) => page.locator(`[data-testid="node"][data-type="${type}"]`);
const socket = (node: Locator, side: 'input' | 'output', field: string) => node.locator(`[data-${side}="${field}"] [data-testid="socket"]`);

/** Drags a node type from the palette (found by searching) onto the canvas. */
async function addNode(page: Page, search: string, type: string, x: number, y: number): Promise<void> {
  await page.getByLabel('Search nodes').fill(search);
  await page.locator(`[data-node-type="${type}"]`).dragTo(page.getByRole('application', { name: 'Workflow canvas' }), { targetPosition: { x, y } });
  await nodeOf(page, type).first().waitFor();
}

async function moreMenu(page: Page, item: string): Promise<void> {
  await page.getByRole('toolbar', { name: 'Workflow' }).getByRole('button', { name: 'More ▾' }).click();
  await page.getByRole('menuitem', { name: item, exact: true }).click();
}

/** Names the workflow, publishes it, and makes it an automation from the editor's More menu. */
async function publishAndAutomate(page: Page, name: string): Promise<void> {
  const toolbar = page.getByRole('toolbar', { name: 'Workflow' });
  await page.getByLabel('Workflow name').fill(name);
  await toolbar.getByRole('button', { name: 'Publish…' }).click();
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.getByRole('status').filter({ hasText: `Published version 1 of “${name}”` }).waitFor();
  // The menu item is enabled once the editor has read the published version and found its trigger.
  await toolbar.getByRole('button', { name: 'More ▾' }).click();
  const make = page.getByRole('menuitem', { name: 'Make automation…' });
  const deadline = Date.now() + TIMEOUT_MS;
  while (await make.isDisabled()) {
    if (Date.now() > deadline) throw new Error('"Make automation…" stayed disabled after publishing a workflow with a trigger');
    await page.waitForTimeout(100);
  }
  await make.click();
  const drawer = page.getByRole('complementary', { name: 'Make automation' });
  await drawer.getByRole('button', { name: 'Make automation' }).click();
  await page.getByRole('status').filter({ hasText: `“${name}” is now an automation` }).waitFor();
  await page.getByRole('complementary', { name: 'Automation settings' }).waitFor();
}

/** Closes the toasts still showing, so a screenshot shows the page under them. */
async function dismissToasts(page: Page): Promise<void> {
  // In one go: a toast may time out between a count and a click.
  await page.locator('ps-toasts').getByRole('button', { name: 'Dismiss' }).evaluateAll((buttons) => buttons.forEach((button) => (button as HTMLButtonElement).click()));
  await waitForCount(page.locator('ps-toasts [role="status"], ps-toasts [role="alert"]'), 0);
}

/** The width and height a PNG's header gives. */
function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((byte, index) => bytes[index] === byte)) throw new Error('the webhook did not answer with a PNG');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

export const automationsEmpty: Step = {
  name: 'automations: the page explains how to make one while there is none',
  async run(page) {
    await openNav(page, 'Automations');
    await page.getByTestId('automations-empty').getByText('Make automation…').waitFor();
  },
};

export const webhookAutomation: Step = {
  name: 'automations: build webhook → resize → respond, publish, make it an automation, and POST a PNG to its URL to get it back resized',
  async run(page) {
    await openNav(page, 'Workflows');
    await page.locator('[data-node-type="core.integer"]').waitFor();
    await moreMenu(page, 'New');
    await waitForCount(page.locator('[data-testid="node"]'), 0);
    await addNode(page, 'webhook', 'trigger.webhook', 90, 140);
    await addNode(page, 'resize', 'image.resize', 400, 140);
    await addNode(page, 'respond', 'trigger.respond', 700, 140);
    await page.getByLabel('Search nodes').fill('');
    const hook = nodeOf(page, 'trigger.webhook');
    const resize = nodeOf(page, 'image.resize');
    const respond = nodeOf(page, 'trigger.respond');
    await connect(page, socket(hook, 'output', 'image'), socket(resize, 'input', 'image'));
    await waitForCount(page.locator('svg[data-testid="connection"]'), 1);
    await connect(page, socket(resize, 'output', 'image'), socket(respond, 'input', 'image'));
    await waitForCount(page.locator('svg[data-testid="connection"]'), 2);
    await resize.locator('.head').click();
    await page.getByLabel('Width').fill('16');
    await page.getByLabel('Width').press('Tab');
    await page.getByLabel('Height').fill('8');
    await page.getByLabel('Height').press('Tab');
    await hook.locator('.head').click();
    await page.getByLabel('Answer').selectOption('sync');
    await page.getByTestId('webhook-panel').getByText('The URL comes with the automation').waitFor();

    await publishAndAutomate(page, HOOK_WORKFLOW);
    await dismissToasts(page);
    await shoot(page, '12-automation-settings');
    await page.getByRole('button', { name: 'Close automation settings' }).click();
    await hook.locator('.head').click();
    const field = page.getByTestId('webhook-url');
    await field.waitFor();
    const url = await field.inputValue();
    if (!/^http:\/\/[^/]+\/api\/v1\/hooks\/[A-Za-z0-9_-]{20,}$/.test(url)) throw new Error(`the webhook URL reads "${url}"`);
    const curl = await page.getByTestId('webhook-curl').innerText();
    if (!curl.includes(url) || !curl.includes('image/png')) throw new Error(`the curl example does not post an image to the URL: ${curl}`);
    await toolbarFitsOneRow(page);
    await page.getByRole('button', { name: 'Zoom to fit' }).click();
    await dismissToasts(page);
    await shoot(page, '12-automation-webhook');

    // A caller posts a picture, as any HTTP client would, and waits for the answer.
    const png = await page.screenshot({ clip: { x: 0, y: 0, width: 64, height: 48 } });
    const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'image/png' }, body: new Uint8Array(png) });
    if (answer.status !== 200) throw new Error(`the webhook answered ${answer.status}: ${await answer.text()}`);
    if (!answer.headers.get('content-type')?.startsWith('image/png')) throw new Error(`the webhook answered ${answer.headers.get('content-type')}, not a PNG`);
    const size = pngSize(new Uint8Array(await answer.arrayBuffer()));
    if (size.width !== 16 || size.height !== 8) throw new Error(`the answer is ${size.width}x${size.height}, not the 16x8 the Resize node was set to`);

    // The test URL runs the saved draft once, and the panel listening for it shows that run.
    const testUrl = await page.getByTestId('webhook-test-url').inputValue();
    if (testUrl !== url.replace('/hooks/', '/hooks/test/')) throw new Error(`the test URL reads "${testUrl}"`);
    await page.getByTestId('webhook-listen').click();
    const tested = await fetch(testUrl, { method: 'POST', headers: { 'content-type': 'image/png' }, body: new Uint8Array(png) });
    if (tested.status !== 200) throw new Error(`the test URL answered ${tested.status}: ${await tested.text()}`);
    await page.getByTestId('webhook-test-run').getByText('Succeeded', { exact: true }).waitFor({ timeout: TIMEOUT_MS });
  },
};

export const webhookRunInHistory: Step = {
  name: 'automations: the webhook run succeeded in the run history, and its detail shows the node timeline by name',
  async run(page) {
    await openNav(page, 'Automations');
    const row = page.locator('[data-testid="automation-row"]').filter({ hasText: HOOK_WORKFLOW });
    await row.locator('.badge').getByText('Succeeded', { exact: true }).waitFor();
    await row.getByRole('link', { name: `Runs of ${HOOK_WORKFLOW}` }).click();
    await page.getByRole('heading', { name: `Runs of “${HOOK_WORKFLOW}”` }).waitFor();
    const run = page.locator('[data-testid="run-row"][data-trigger="webhook"]').first();
    await run.waitFor();
    if ((await run.getAttribute('data-status')) !== 'succeeded') throw new Error(`the webhook run is ${await run.getAttribute('data-status')}`);
    await run.getByRole('link', { name: /^Details/ }).click();
    await page.getByTestId('run-status').getByText('Succeeded').waitFor();
    const rows = page.locator('[data-testid="timeline-row"]');
    await waitForCount(rows, 3);
    const names = await rows.locator('.node-name').allInnerTexts();
    for (const expected of ['Webhook Trigger', 'Resize Image', 'Respond to Webhook']) {
      if (!names.includes(expected)) throw new Error(`the timeline names ${JSON.stringify(names)}, not ${expected}`);
    }
    const bars = await rows.locator('.bar').count();
    if (bars !== 3) throw new Error(`the timeline draws ${bars} bars for 3 nodes`);
    // Resize's image input is named by where it came from, not by an id.
    await page.locator('[data-testid="run-node"]').filter({ hasText: 'Resize Image' }).getByText('← Webhook Trigger · Image').waitFor();
    await dismissToasts(page);
    await shoot(page, '15-automation-run');
  },
};

export const scheduleAutomation: Step = {
  name: 'automations: a schedule every 2 seconds shows its next fire times in the editor, and its runs appear in the history on their own',
  async run(page) {
    await openNav(page, 'Workflows');
    await page.locator('[data-node-type="core.integer"]').waitFor();
    await moreMenu(page, 'New');
    await waitForCount(page.locator('[data-testid="node"]'), 0);
    await addNode(page, 'schedule', 'trigger.schedule', 200, 160);
    await page.getByLabel('Search nodes').fill('');
    await nodeOf(page, 'trigger.schedule').locator('.head').click();
    const preview = page.getByTestId('schedule-preview');
    await preview.getByTestId('schedule-description').waitFor();
    const cron = page.getByLabel('Cron expression');
    await cron.fill('every day at noon');
    await preview.getByRole('alert').first().waitFor();
    await cron.fill('*/2 * * * * *');
    const description = preview.getByTestId('schedule-description');
    await description.waitFor();
    const times = await preview.locator('time').evaluateAll((all) => all.map((time) => Date.parse(time.getAttribute('datetime') ?? '')));
    if (times.length !== 5 || times.some((time, index) => index > 0 && time - times[index - 1]! !== 2000)) throw new Error(`the next fire times are not 2 s apart: ${JSON.stringify(times)}`);
    await dismissToasts(page);
    await shoot(page, '12-automation-schedule');

    await publishAndAutomate(page, SCHEDULE_WORKFLOW);
    await openNav(page, 'Automations');
    const row = page.locator('[data-testid="automation-row"]').filter({ hasText: SCHEDULE_WORKFLOW });
    await row.getByRole('link', { name: `Runs of ${SCHEDULE_WORKFLOW}` }).click();
    // Fires every 2 s: runs come in while the page is open, with no reload.
    const runs = page.locator('[data-testid="run-row"][data-trigger="schedule"][data-status="succeeded"]');
    const deadline = Date.now() + 12_000;
    while ((await runs.count()) < 2) {
      if (Date.now() > deadline) throw new Error(`${await runs.count()} scheduled runs reached the history within 12 s`);
      await page.waitForTimeout(250);
    }
    await page.getByLabel('Automation').selectOption({ label: 'All automations' });
    await page.locator('[data-testid="run-row"][data-trigger="webhook"]').first().waitFor();
    await page.getByTestId('runs-chart').waitFor();
    await dismissToasts(page);
    await shoot(page, '14-automation-runs');
  },
};

export const automationsPage: Step = {
  name: 'automations: both listed by name with their triggers and last runs; switching the schedule off stops it; Open shows the workflow in the editor',
  async run(page) {
    await openNav(page, 'Automations');
    const schedule = page.locator('[data-testid="automation-row"]').filter({ hasText: SCHEDULE_WORKFLOW });
    await schedule.locator('.chip.schedule').waitFor();
    await page.locator('[data-testid="automation-row"]').filter({ hasText: HOOK_WORKFLOW }).locator('.chip.webhook').waitFor();
    await schedule.locator('.badge').getByText('Succeeded', { exact: true }).waitFor();
    await dismissToasts(page);
    await shoot(page, '13-automations');
    await schedule.getByRole('switch', { name: `Enabled: ${SCHEDULE_WORKFLOW}` }).click();
    await page.getByRole('status').filter({ hasText: `Disabled “${SCHEDULE_WORKFLOW}”` }).waitFor();
    await schedule.getByText('off', { exact: true }).waitFor();
    const id = await schedule.getAttribute('data-automation-id');
    const runs = async () => (await apiGet<{ total: number }>(page, `/automation-runs?automationId=${id}&limit=1`)).total;
    const stopped = await runs();
    await page.waitForTimeout(4500);
    // One run may have been under way when it was switched off; none starts after.
    if ((await runs()) > stopped + 1) throw new Error('the schedule went on firing after it was switched off');
    const text = await page.locator('main').innerText();
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.exec(text);
    if (uuid) throw new Error(`the Automations page shows an id (${uuid[0]}) where a name belongs`);
    // Open takes the automation's workflow to the editor.
    await page.getByRole('link', { name: `Open ${HOOK_WORKFLOW} in the editor` }).click();
    await nodeOf(page, 'trigger.webhook').waitFor();
    const name = await page.getByLabel('Workflow name').inputValue();
    if (name !== HOOK_WORKFLOW) throw new Error(`Open showed "${name}" in the editor, not "${HOOK_WORKFLOW}"`);
  },
};
