import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { jwtSecretPath, resolveJwtSecret } from './jwt-secret';

describe('resolveJwtSecret', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-secret-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('uses PINKSEA_JWT_SECRET when it is set, writing nothing', async () => {
    expect(await resolveJwtSecret({ jwtSecret: 'configured-secret', dataDir })).toBe('configured-secret');
    await expectAsync(stat(jwtSecretPath(dataDir))).toBeRejected();
  });

  it('otherwise generates one secret, keeps it in <dataDir>/secrets/jwt-secret with mode 0600, and reuses it', async () => {
    const first = await resolveJwtSecret({ jwtSecret: '', dataDir });
    expect(first.length).toBeGreaterThanOrEqual(64);
    const file = jwtSecretPath(dataDir);
    expect(file).toBe(path.join(dataDir, 'secrets', 'jwt-secret'));
    expect((await readFile(file, 'utf8')).trim()).toBe(first);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await resolveJwtSecret({ jwtSecret: '', dataDir })).toBe(first);
  });

  it('agrees on one secret when several processes start at once', async () => {
    const secrets = await Promise.all(Array.from({ length: 8 }, () => resolveJwtSecret({ jwtSecret: '', dataDir })));
    expect(new Set(secrets).size).toBe(1);
  });

  it('tightens a secret file that others could read', async () => {
    const first = await resolveJwtSecret({ jwtSecret: '', dataDir });
    await chmod(jwtSecretPath(dataDir), 0o644);
    expect(await resolveJwtSecret({ jwtSecret: '', dataDir })).toBe(first);
    expect((await stat(jwtSecretPath(dataDir))).mode & 0o777).toBe(0o600);
  });
});
