/**
 * The test entry point (`npm test`): runs every `*.spec.ts` beside the code with Jasmine and ends
 * with one line `tests: N passed, M failed` that CI reads. Arguments narrow the run to spec files
 * or folders (`npm test -- engine`), and `--filter=REGEX` to spec names.
 */
import Jasmine from 'jasmine';
import path from 'node:path';

const ROOTS = ['engine', 'nodes', 'services', 'config', 'test', 'plugins', 'bench', 'scripts'];

interface SpecCounts {
  passed: number;
  failed: number;
  skipped: number;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const filter = args.find((arg) => arg.startsWith('--filter='))?.slice('--filter='.length);
  const targets = args.filter((arg) => !arg.startsWith('--'));
  const globs = (targets.length > 0 ? targets : ROOTS).map((target) =>
    target.endsWith('.spec.ts') ? target : `${target.replace(/\/$/, '')}/**/*.spec.ts`,
  );

  const runner = new Jasmine({ projectBaseDir: path.resolve(__dirname, '..') });
  runner.exitOnCompletion = false;
  // Jasmine 7 reads environment options from `env`; its published types predate that.
  const config = {
    spec_dir: '.',
    spec_files: [...globs, '!**/node_modules/**'],
    env: { random: true, failSpecWithNoExpectations: true },
  };
  await runner.loadConfig(config as Parameters<typeof runner.loadConfig>[0]);

  const counts: SpecCounts = { passed: 0, failed: 0, skipped: 0 };
  runner.addReporter({
    specDone(result) {
      if (result.status === 'passed') counts.passed += 1;
      else if (result.status === 'failed') counts.failed += 1;
      else counts.skipped += 1;
    },
    suiteDone(result) {
      // A failure in beforeAll/afterAll fails the suite without failing a spec: count it.
      if (result.status === 'failed') counts.failed += 1;
    },
  });

  const result = await runner.execute(undefined, filter);
  if (result.overallStatus === 'incomplete' && counts.failed === 0 && counts.passed === 0) counts.failed += 1;
  const skipped = counts.skipped > 0 ? `, ${counts.skipped} skipped` : '';
  console.log(`tests: ${counts.passed} passed, ${counts.failed} failed${skipped}`);
  process.exitCode = result.overallStatus === 'passed' && counts.failed === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  console.log('tests: 0 passed, 1 failed');
  process.exitCode = 1;
});
