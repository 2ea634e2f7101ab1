/**
 * The studio e2e's steps in the workflow editor: building a graph by dragging and connecting nodes
 * (one connection refused), running it and auto-arranging it, every output of a run, and published
 * versions (publish with a note, a change diffed in Versions, restore as draft).
 */
import type { Page } from 'playwright-core';
import type { Step } from './e2e-fixtures';
import { connect, TIMEOUT_MS, waitForCount } from './page-actions';
import { shoot } from './page-checks';

/** The editor's toolbar is one row at the narrower desktop size: nothing wraps or spills out of it. */
export async function toolbarFitsOneRow(page: Page): Promise<void> {
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

export const buildAndRun: Step = {
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
};

export const runOutputs: Step = {
  name: 'workflows: a run shows every output of a node, not only images',
  async run(page) {
    const outputs = page.locator('[data-testid="run-output"]');
    await outputs.first().waitFor();
    const kinds = await outputs.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-output-kind')));
    if (!kinds.includes('number')) throw new Error(`expected a number output, found ${JSON.stringify(kinds)}`);
    await page.getByRole('list', { name: 'Node statuses' }).getByText('7', { exact: true }).first().waitFor();
  },
};

export const publishedVersions: Step = {
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
};
