/**
 * The key that signs access tokens: PINKSEA_JWT_SECRET when set; otherwise a random one made on
 * first start and kept in `<dataDir>/secrets/jwt-secret` (mode 0600), so sessions survive a
 * restart. Processes on different machines must share the setting (or the file) to accept each
 * other's tokens.
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PinkseaConfig } from '../../config/config';
import { PinkseaError } from '../../engine/errors';

export function jwtSecretPath(dataDir: string): string {
  return path.join(dataDir, 'secrets', 'jwt-secret');
}

export async function resolveJwtSecret(config: Pick<PinkseaConfig, 'jwtSecret' | 'dataDir'>): Promise<string> {
  if (config.jwtSecret) return config.jwtSecret;
  const file = jwtSecretPath(config.dataDir);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const generated = randomBytes(64).toString('base64url');
  // Written whole under a temporary name, then linked into place: link() fails when the file
  // exists, so two processes starting at once agree on one secret and none reads a half-written one.
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(temporary, `${generated}\n`, { mode: 0o600 });
  try {
    await link(temporary, file);
    return generated;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temporary);
  }
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  const secret = (await readFile(file, 'utf8')).trim();
  if (!secret) throw new PinkseaError('jwt_secret_empty', `${file} is empty; delete it to have a new secret made, or set PINKSEA_JWT_SECRET`, 'internal');
  return secret;
}
