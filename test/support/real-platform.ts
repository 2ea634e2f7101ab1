/**
 * The real platform, started in-process for a spec file on its own test database and temp data
 * dir, stopped and cleaned up afterwards. `env` adds or overrides settings (role, admin, tokens).
 *
 *   const db = useTestDatabase();
 *   const real = useRealPlatform(db, 'openapi', { PINKSEA_ROLE: 'api' });
 *   ... real.platform.url
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config/config';
import { startPlatform, type Platform } from '../../services/platform/platform';
import type { TestDatabase } from './test-database';

export interface RealPlatform {
  readonly platform: Platform;
  readonly dataDir: string;
}

export function useRealPlatform(db: TestDatabase, label: string, env: Record<string, string> = {}): RealPlatform {
  let platform: Platform | undefined;
  let dataDir: string | undefined;
  const id = `${label}-spec-${process.pid}`;

  beforeAll(async () => {
    db.skipIfMissing();
    dataDir = await mkdtemp(path.join(os.tmpdir(), `pinksea-${label}-`));
    platform = await startPlatform(
      loadConfig({ DATABASE_URL: db.url, PINKSEA_DATA_DIR: dataDir, PINKSEA_PORT: '0', PINKSEA_LOG_LEVEL: 'warn', PINKSEA_NODE_ID: id, PINKSEA_QUEUE_NAME: id, ...env }),
    );
  }, 60_000);

  afterAll(async () => {
    await platform?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 30_000);

  return {
    get platform() {
      if (!platform) throw new Error('the platform has not started (is PostgreSQL missing?)');
      return platform;
    },
    get dataDir() {
      return dataDir!;
    },
  };
}
