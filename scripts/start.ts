/**
 * `npm start`: starts Pinksea with this process's role (PINKSEA_ROLE, `all` by default). On a
 * machine with nothing but Node, that is an embedded PostgreSQL in the data dir, BullMQ on it,
 * every service in one process, and the API on one port. `--help` lists the settings.
 */
import { describeSettings, loadConfig } from '../config/config';
import { startPlatform } from '../services/platform/platform';

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    console.log('Pinksea settings (environment variables):\n');
    for (const row of describeSettings()) console.log(`  ${row.env.padEnd(28)} ${row.default.padEnd(12)} ${row.doc}`);
    return;
  }
  const config = loadConfig();
  const platform = await startPlatform(config);
  const where = platform.database.embedded ? `embedded PostgreSQL in ${config.dataDir}` : 'PostgreSQL at DATABASE_URL';
  console.log(`Pinksea (${config.role}) is running on ${where}, queue on ${config.redisUrl ? 'Redis' : 'PostgreSQL'}`);
  if (platform.url) console.log(`API: ${platform.url}  (node catalogue: ${platform.url}/nodes)`);
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

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
