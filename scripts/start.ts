/**
 * `npm start`: starts Pinksea with this process's role (PINKSEA_ROLE, `all` by default). On a
 * machine with nothing but Node, that is an embedded PostgreSQL in the data dir, BullMQ on it,
 * every service in one process, and the API on one port. `--help` lists the settings.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describeSettings, loadConfig, type PinkseaConfig } from '../config/config';
import { hasStudioBuild } from '../services/api/studio-assets';
import { startPlatform } from '../services/platform/platform';

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    console.log('Pinksea settings (environment variables):\n');
    for (const row of describeSettings()) console.log(`  ${row.env.padEnd(28)} ${row.default.padEnd(12)} ${row.doc}`);
    return;
  }
  const config = loadConfig();
  buildStudioIfMissing(config);
  const platform = await startPlatform(config);
  const where = platform.database.embedded ? `embedded PostgreSQL in ${config.dataDir}` : 'PostgreSQL at DATABASE_URL';
  console.log(`Pinksea (${config.role}) is running on ${where}, queue on ${config.redisUrl ? 'Redis' : 'PostgreSQL'}`);
  if (platform.url) console.log(`API: ${platform.url}  (node catalogue: ${platform.url}/nodes)`);
  if (platform.url && hasStudioBuild(config.studioDir)) console.log(`Studio: ${new URL('/', platform.url).href}`);
  if (platform.admin?.created) {
    console.log(`Created the admin account ${platform.admin.email}`);
    if (platform.admin.oneTimePassword) console.log(`One-time password (shown once; change it after signing in): ${platform.admin.oneTimePassword}`);
  }
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('Stopping…');
    await platform.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

/**
 * `npm install && npm start` gives the whole product: the first start of a process that serves
 * the API builds the studio when its default build is missing (PINKSEA_STUDIO_BUILD=off skips it).
 */
function buildStudioIfMissing(config: PinkseaConfig): void {
  const root = path.resolve(__dirname, '..');
  const ng = path.join(root, 'node_modules', '.bin', 'ng');
  const servesApi = config.role === 'all' || config.role === 'api';
  if (!servesApi || config.studioBuild === 'off' || hasStudioBuild(config.studioDir) || !existsSync(ng)) return;
  if (path.resolve(root, 'dist', 'studio', 'browser') !== config.studioDir) return; // a studio built elsewhere is the operator's
  console.log('Building the studio once (npm run studio:build); later starts skip this…');
  const built = spawnSync(ng, ['build'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) console.log('The studio build failed; the API starts without it (run `npm run studio:build` to see why).');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
