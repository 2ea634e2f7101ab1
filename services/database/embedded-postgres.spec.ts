import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from './database';

describe('embedded PostgreSQL (the npm start default)', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-embedded-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts a real PostgreSQL in the data dir, migrates it, and keeps the data across restarts', async () => {
    const port = 55000 + Math.floor(Math.random() * 5000);
    const first = await openDatabase({ url: '', dataDir, embeddedPort: port, entities: [] });
    try {
      expect(first.embedded).toBeTrue();
      await first.dataSource.query(`INSERT INTO users (email, password_hash) VALUES ('kept@example.com', 'x')`);
    } finally {
      await first.close();
    }
    const second = await openDatabase({ url: '', dataDir, embeddedPort: port, entities: [] });
    try {
      const rows = await second.dataSource.query(`SELECT email FROM users`);
      expect(rows).toEqual([{ email: 'kept@example.com' }]);
    } finally {
      await second.close();
    }
  }, 60_000);
});
