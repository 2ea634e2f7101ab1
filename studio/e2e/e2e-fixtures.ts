/**
 * What the studio e2e's steps share: the shape of a step, the demo model they generate with, the
 * account they sign up, and the temp folders they make (removed when the run ends).
 */
import type { Page } from 'playwright-core';

export interface Step {
  readonly name: string;
  run(page: Page): Promise<void>;
}

/** The demo model every generation uses. */
export const MODEL = 'Tiny SD (demo)';

/** The prompt of the image-to-image step, which "use these parameters" must bring back. */
export const IMG2IMG_PROMPT = 'the same sea, at night';

/** The user the run signs up (and signs in as until the admin's step). */
export const account = { name: 'E2E Tester', email: `e2e-${Date.now()}@example.com`, password: 'correct horse battery staple' };

/** Temp folders the steps made, removed at the end. */
export const scratch: string[] = [];
