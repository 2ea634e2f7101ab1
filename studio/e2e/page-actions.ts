/**
 * What the studio e2e's steps do with a page as a person would (open a page from the menu, drag
 * one socket to another) and the checks they make from inside it (counts, API answers).
 */
import type { Locator, Page } from 'playwright-core';

/** How long a step waits for what it expects to appear. */
export const TIMEOUT_MS = 30_000;

export async function openNav(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }).click();
}

export async function waitForCount(locator: Locator, count: number): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  while ((await locator.count()) !== count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} of ${locator.toString()}, found ${await locator.count()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A GET on the API with the signed-in user's token, from the page. */
export async function apiGet<T>(page: Page, route: string): Promise<T> {
  return page.evaluate(async (url) => {
    const token = (JSON.parse(localStorage.getItem('pinksea.session') ?? '{}') as { accessToken?: string }).accessToken;
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    return (await response.json()) as T;
  }, `/api/v1${route}`) as Promise<T>;
}

/** The status GET /auth/me answers a token with, from the page. */
export async function meStatus(page: Page, token: string): Promise<number> {
  return page.evaluate(async (bearer) => (await fetch('/api/v1/auth/me', { headers: { authorization: `Bearer ${bearer}` } })).status, token);
}

/** Drags from one socket to another with the mouse, as a person connects two nodes. */
export async function connect(page: Page, from: Locator, to: Locator): Promise<void> {
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (!a || !b) throw new Error('a socket to connect is not on screen');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 8 });
  await page.mouse.up();
}
