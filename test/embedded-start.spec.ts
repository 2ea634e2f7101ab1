/**
 * `npm start` on a machine with nothing but Node: an embedded PostgreSQL in the data dir, the
 * queue on it, every role in one process. The first start creates the admin with a one-time
 * password; the second reuses the data (and the sign-in keeps working).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config/config';
import { startPlatform } from '../services/platform/platform';
import { request } from './support/test-platform';

describe('npm start on embedded defaults', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-embedded-start-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates the admin once with a one-time password, and a second start reuses the data', async () => {
    const config = loadConfig({
      PINKSEA_DATA_DIR: dataDir,
      PINKSEA_PORT: '0',
      PINKSEA_EMBEDDED_PG_PORT: String(56000 + Math.floor(Math.random() * 3000)),
      PINKSEA_LOG_LEVEL: 'warn',
    });
    const first = await startPlatform(config);
    let password: string;
    try {
      expect(first.database.embedded).toBeTrue();
      expect(first.admin).toEqual(jasmine.objectContaining({ created: true, email: 'admin@localhost' }));
      password = (first.admin as { oneTimePassword: string }).oneTimePassword;
      expect(password.length).toBeGreaterThanOrEqual(16);
      const login = await request(first.url!, 'POST', '/auth/login', { body: { email: 'admin@localhost', password } });
      expect(login.status).toBe(200);
    } finally {
      await first.stop();
    }

    const second = await startPlatform(config);
    try {
      expect(second.admin).toEqual({ created: false });
      const again = await request<{ accessToken: string }>(second.url!, 'POST', '/auth/login', { body: { email: 'admin@localhost', password: password! } });
      expect(again.status).toBe(200);
      const me = await request<{ email: string; role: string }>(second.url!, 'GET', '/auth/me', { token: again.body.accessToken });
      expect([me.body.email, me.body.role]).toEqual(['admin@localhost', 'admin']);
    } finally {
      await second.stop();
    }
  }, 120_000);
});
