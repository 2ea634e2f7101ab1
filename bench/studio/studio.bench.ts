/**
 * `npm run bench:studio`: the Workflows editor in headless Chromium against the real platform
 * (needs `npm run studio:build` and the e2e's PostgreSQL). Times opening a 300-node workflow from
 * the library against a 10-node one, and the median frame time while dragging a node in each;
 * prints both and their ratios (a ratio near 30 would mean the editor scales with node count).
 */
import path from 'node:path';
import { type Page, chromium } from 'playwright-core';
import { startE2ePlatform } from '../../studio/e2e/e2e-platform';
import { medians } from '../bench-kit';

const ROOT = path.resolve(__dirname, '../..');
const STUDIO_DIR = path.join(ROOT, 'dist/studio/browser');
/** Chromium as the studio's specs use it; `--chromium <path>` picks another. */
const CHROMIUM = process.argv[process.argv.indexOf('--chromium') + 1] && process.argv.includes('--chromium') ? process.argv[process.argv.indexOf('--chromium') + 1]! : '/usr/bin/chromium';
const SIZES = [10, 300] as const;

/** A chain of Add nodes on a grid, each feeding the next. */
function chain(count: number) {
  const nodes = Array.from({ length: count }, (_, index) => ({ id: `add-${index + 1}`, type: 'core.add', version: '1.0.0', inputs: { b: 1 } }));
  const edges = nodes.slice(1).map((node, index) => ({ source: { nodeId: nodes[index]!.id, field: 'value' }, destination: { nodeId: node.id, field: 'a' } }));
  const positions = Object.fromEntries(nodes.map((node, index) => [node.id, { x: (index % 20) * 260, y: Math.floor(index / 20) * 180 }]));
  return { graph: { nodes, edges }, layout: { positions } };
}

async function api<T>(origin: string, method: string, route: string, body: unknown, token?: string): Promise<T> {
  const response = await fetch(`${origin}/api/v1${route}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

async function nodeCount(page: Page, count: number): Promise<void> {
  await page.waitForFunction(`document.querySelectorAll('[data-testid="node"]').length === ${count}`, undefined, { polling: 'raf', timeout: 60_000 });
}

async function open(page: Page, id: string, count: number): Promise<number> {
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await nodeCount(page, 0);
  const started = performance.now();
  await page.getByLabel('Open from library').selectOption(id);
  await nodeCount(page, count);
  // Wait for connections too: the graph is open when it is drawn.
  await page.waitForFunction(`document.querySelectorAll('svg[data-testid="connection"]').length === ${count - 1}`, undefined, { polling: 'raf', timeout: 60_000 });
  return performance.now() - started;
}

/** Median frame time (ms) while dragging the first node 300px in 60 pointer moves. */
async function dragFrames(page: Page): Promise<number> {
  const head = page.locator('[data-testid="node"][data-node-id="add-1"] .head');
  const box = (await head.boundingBox())!;
  // Page scripts are strings: tsx wraps named inner functions in a helper the page lacks, and the
  // root tsconfig has no DOM types.
  await page.evaluate(`(() => {
    const frames = [];
    window.benchFrames = frames;
    let last = performance.now();
    const tick = (now) => { frames.push(now - last); last = now; if (window.benchFrames === frames) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })()`);
  await page.mouse.move(box.x + 30, box.y + box.height / 2);
  await page.mouse.down();
  for (let step = 1; step <= 60; step++) await page.mouse.move(box.x + 30 + step * 5, box.y + box.height / 2 + (step % 2));
  await page.mouse.up();
  const frames = await page.evaluate<number[]>(`(() => { const list = window.benchFrames; delete window.benchFrames; return list.slice(1); })()`);
  return frames.sort((a, b) => a - b)[Math.floor(frames.length / 2)] ?? 0;
}

async function main(): Promise<void> {
  const platform = await startE2ePlatform(STUDIO_DIR);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  try {
    const session = await api<{ accessToken: string }>(platform.origin, 'POST', '/auth/register', {
      email: `bench-${Date.now()}@example.com`,
      password: 'correct horse battery staple',
      displayName: 'Bench',
    });
    const ids: string[] = [];
    for (const size of SIZES) {
      const workflow = await api<{ id: string }>(platform.origin, 'POST', '/workflows', { name: `chain-${size}`, ...chain(size) }, session.accessToken);
      ids.push(workflow.id);
    }
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(platform.origin);
    await page.evaluate((stored) => localStorage.setItem('pinksea.session', stored), JSON.stringify(session));
    await page.goto(`${platform.origin}/workflows`);
    await page.locator('[data-node-type="core.add"]').waitFor({ timeout: 60_000 });
    await page.getByLabel('Open from library').locator('option', { hasText: 'chain-300' }).waitFor({ state: 'attached' });

    const [open10, open300] = await medians(SIZES.map((size, index) => () => open(page, ids[index]!, size)), 3, 1);
    const [drag10, drag300] = await medians(
      SIZES.map((size, index) => async () => {
        await open(page, ids[index]!, size);
        return dragFrames(page);
      }),
      3,
      1,
    );
    console.log(`open 10 nodes: ${open10!.toFixed(0)} ms; open 300 nodes: ${open300!.toFixed(0)} ms; ratio ${(open300! / open10!).toFixed(1)}x (node count 30x)`);
    console.log(`drag frame median, 10 nodes: ${drag10!.toFixed(1)} ms; 300 nodes: ${drag300!.toFixed(1)} ms; ratio ${(drag300! / drag10!).toFixed(2)}x`);
  } finally {
    await browser.close();
    await platform.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
