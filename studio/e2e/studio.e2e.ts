/**
 * `npm run studio:e2e`: drives the built studio in headless Chromium against the real platform.
 * Opens Pricing signed out, signs up, generates with the demo model, runs image to image from an
 * uploaded picture, finds the images in the gallery (boards, multi-select, bulk download, "use these
 * parameters"), cancels a queued item, sees the trial's credits and their grant on Account and the
 * trial marked on Pricing, builds and runs a workflow, publishes it, diffs and restores a version,
 * makes automations (a webhook answering with a resized image, a schedule every 2 seconds) and
 * follows their runs in the history and a run's detail, inpaints from a painted mask, checks that a
 * signed-out access token is refused, signs in as the admin to install a model from a path on the
 * server and delete it, and saves a screenshot of each screen
 * at 1440x900 and 1280x800 under studio/e2e/output/. A step fails on an uncaught error, a
 * Content-Security-Policy violation, a console error or a 5xx answer, even when its clicks
 * succeeded. Ends with one line `studio e2e: N passed, M failed`; exits non-zero when a step fails.
 * The steps live by concern in *-steps.ts beside this file; this one runs them in order.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { badPasswordToast, landsOnSignIn, logOutRefusesToken, pagesKeepSession, signUp } from './account-steps';
import { pricingSignedOut, trialCredits } from './billing-steps';
import { automationsEmpty, automationsPage, scheduleAutomation, webhookAutomation, webhookRunInHistory } from './automation-steps';
import { scratch, type Step } from './e2e-fixtures';
import { startE2ePlatform, type E2ePlatform } from './e2e-platform';
import { openWorkflowAndParameters, selectionBoardsDownload, viewerAndStar } from './gallery-steps';
import { batchAndQueue, fitsTablet, generateImage, imageToImage, inpaint } from './generate-steps';
import { adminInstallsModel, demoModelListed } from './model-steps';
import { TIMEOUT_MS } from './page-actions';
import { OUTPUT, shootAsIs, watchForProblems } from './page-checks';
import { buildAndRun, publishedVersions, runOutputs } from './workflow-steps';

const ROOT = path.resolve(__dirname, '../..');
const STUDIO_DIR = process.env['PINKSEA_STUDIO_DIR'] ?? path.join(ROOT, 'dist/studio/browser');
const CHROMIUM = process.env['CHROME_BIN'] ?? '/usr/bin/chromium';

/** The steps in the order they run: each starts from the page the one before left. */
const steps: Step[] = [
  landsOnSignIn,
  pricingSignedOut,
  badPasswordToast,
  signUp,
  generateImage,
  fitsTablet,
  viewerAndStar,
  imageToImage,
  selectionBoardsDownload,
  openWorkflowAndParameters,
  batchAndQueue,
  demoModelListed,
  pagesKeepSession,
  trialCredits,
  buildAndRun,
  runOutputs,
  publishedVersions,
  automationsEmpty,
  webhookAutomation,
  webhookRunInHistory,
  scheduleAutomation,
  automationsPage,
  inpaint,
  logOutRefusesToken,
  adminInstallsModel,
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
