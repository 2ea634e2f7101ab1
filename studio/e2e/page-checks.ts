/**
 * What the studio e2e checks on every page besides its own steps: screenshots at the desktop
 * sizes a person looks at, and the problems that fail a step although its clicks succeeded.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';

/** Where the screenshots go (studio/e2e/output, kept out of git). */
export const OUTPUT = path.resolve(__dirname, 'output');

/** The desktop sizes every screen is checked at; a step's own viewport comes back afterwards. */
const SCREEN_SIZES = [
  { width: 1440, height: 900 },
  { width: 1280, height: 800 },
] as const;

export async function shoot(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize();
  try {
    for (const size of SCREEN_SIZES) {
      await page.setViewportSize(size);
      // Two frames, so layout that follows the window's size has settled before the picture.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      await page.screenshot({ path: path.join(OUTPUT, `${name}-${size.width}x${size.height}.png`), fullPage: true });
    }
  } finally {
    if (viewport) await page.setViewportSize(viewport);
  }
}

/** A screenshot at the page's current size (a tablet, a failure). */
export async function shootAsIs(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(OUTPUT, `${name}.png`), fullPage: true });
}

/**
 * What must fail a step although its clicks succeeded: an uncaught error, a Content-Security-Policy
 * violation (reported from the page itself, so none goes unseen), and any console error but a
 * failed request's 4xx, which the studio answers itself (a wrong password is a 401).
 */
export async function watchForProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`uncaught ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (/^Failed to load resource: the server responded with a status of 4\d\d\b/.test(text)) return;
    problems.push(`console error ${text}${message.location().url ? ` (${message.location().url})` : ''}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 500) problems.push(`${response.request().method()} ${response.url()} answered ${response.status()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline code'} (${event.sourceFile}:${event.lineNumber}) ${event.sample}`);
    });
  });
  return problems;
}

