/**
 * The real platform for the studio's browser test: a fresh database on the machine's PostgreSQL
 * (DATABASE_URL, as the backend specs use), a temp data dir, every role in this process, and the
 * built studio served at `/`, with a known admin account (E2E_ADMIN). `stop()` drops the database
 * and the folder.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { loadConfig, testServiceUrls } from '../../config/config';
import { startPlatform } from '../../services/platform/platform';
import { withDatabase } from '../../test/support/test-database';

/** The admin the platform creates on its first start (PINKSEA_ADMIN_EMAIL / PINKSEA_ADMIN_PASSWORD). */
export const E2E_ADMIN = { email: 'admin@e2e.example.com', password: 'e2e admin: correct horse battery staple' } as const;

export interface E2ePlatform {
  /** http://host:port, the studio's origin. */
  readonly origin: string;
  stop(): Promise<void>;
}

export async function startE2ePlatform(studioDir: string): Promise<E2ePlatform> {
  if (!existsSync(path.join(studioDir, 'index.html'))) {
    throw new Error(`No studio build in ${studioDir}: run \`npm run studio:build\` first`);
  }
  const server = testServiceUrls().postgres;
  const name = `pinksea_e2e_${randomBytes(6).toString('hex')}`;
  await admin(server, `CREATE DATABASE ${name}`);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-e2e-'));
  const id = `studio-e2e-${process.pid}`;
  try {
    const platform = await startPlatform(
      loadConfig({
        DATABASE_URL: withDatabase(server, name),
        PINKSEA_DATA_DIR: dataDir,
        PINKSEA_PORT: '0',
        PINKSEA_LOG_LEVEL: 'warn',
        PINKSEA_NODE_ID: id,
        PINKSEA_QUEUE_NAME: id,
        PINKSEA_STUDIO_DIR: studioDir,
        PINKSEA_ADMIN_EMAIL: E2E_ADMIN.email,
        PINKSEA_ADMIN_PASSWORD: E2E_ADMIN.password,
      }),
    );
    return {
      origin: new URL(platform.url!).origin,
      async stop() {
        await platform.stop();
        await cleanUp();
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }

  async function cleanUp(): Promise<void> {
    await admin(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function admin(server: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
