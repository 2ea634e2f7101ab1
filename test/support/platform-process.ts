/**
 * Real platform processes for cluster and crash tests: `scripts/start.ts` started with an
 * environment, its output kept for the failure message, killable with any signal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { inheritedEnvironment } from '../../config/config';

const ROOT = path.resolve(__dirname, '../..');

export interface PlatformProcess {
  readonly child: ChildProcess;
  readonly output: () => string;
  /** Resolves with the first match of `pattern` in the output (e.g. the printed URL). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function startPlatformProcess(env: Record<string, string>): PlatformProcess {
  // node --import tsx, not the tsx CLI: the CLI runs the script in a child process that a kill -9
  // of the parent would leave running.
  const child = spawn(path.join(ROOT, 'node_modules/.bin/node'), ['--import', 'tsx', path.join(ROOT, 'scripts/start.ts')], {
    cwd: ROOT,
    // The studio is the studio specs' business: a spec's process never stops to build it.
    env: { ...inheritedEnvironment(), PINKSEA_LOG_LEVEL: 'warn', PINKSEA_STUDIO_BUILD: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => output,
    async waitFor(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = output.match(pattern);
        if (match) return match;
        if (child.exitCode !== null) throw new Error(`the process exited (${child.exitCode}) before printing ${pattern}:\n${output}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
