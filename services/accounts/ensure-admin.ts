/**
 * First start: when no admin exists, creates one from configuration (PINKSEA_ADMIN_EMAIL and
 * PINKSEA_ADMIN_PASSWORD), or with a generated one-time password that the starter prints once.
 * Any later start finds the admin and does nothing.
 */
import { randomBytes } from 'node:crypto';
import type { PinkseaConfig } from '../../config/config';
import { ConflictError, InvalidInputError } from '../kernel/service-errors';
import { createAccountStores, type AccountsDataSource } from './accounts.repository';
import { EMAIL_HINT, isEmailAddress, normalizeEmail } from './email-address';
import { hashPassword, passwordProblem } from './password-hasher';
import type { UserStore } from './user-store';

export type AdminConfig = Pick<PinkseaConfig, 'adminEmail' | 'adminPassword'>;

export type EnsureAdminResult =
  | { readonly created: false }
  /** `oneTimePassword` is there when it was generated: print it, it is not stored anywhere. */
  | { readonly created: true; readonly email: string; readonly oneTimePassword?: string };

/** For the platform starter, after migrations and before the API serves. */
export function ensureAdmin(options: { dataSource: AccountsDataSource; config: AdminConfig }): Promise<EnsureAdminResult> {
  return ensureAdminAccount(createAccountStores(options.dataSource).users, options.config);
}

export async function ensureAdminAccount(users: UserStore, config: AdminConfig): Promise<EnsureAdminResult> {
  if (await users.anyAdmin()) return { created: false };
  const email = normalizeEmail(config.adminEmail);
  if (!isEmailAddress(email)) throw new InvalidInputError([{ code: 'invalid_email', field: 'PINKSEA_ADMIN_EMAIL', message: EMAIL_HINT }]);
  const problem = config.adminPassword ? passwordProblem(config.adminPassword) : undefined;
  if (problem) throw new InvalidInputError([{ code: 'weak_password', field: 'PINKSEA_ADMIN_PASSWORD', message: problem }]);
  const existing = await users.findByEmail(email);
  // Another process of the cluster has just created it.
  if (existing?.role === 'admin') return { created: false };
  if (existing) {
    // Promoting it would hand admin rights to whoever registered that address.
    throw new ConflictError(`${email} belongs to an account that is not an admin; set PINKSEA_ADMIN_EMAIL to another address`, 'PINKSEA_ADMIN_EMAIL');
  }
  const oneTimePassword = config.adminPassword ? undefined : randomBytes(18).toString('base64url');
  const password = config.adminPassword || oneTimePassword!;
  try {
    await users.create({ email, displayName: 'Admin', passwordHash: await hashPassword(password), role: 'admin' });
  } catch (error) {
    // Another process of the cluster created it first: that one reports it.
    if (error instanceof ConflictError && (await users.anyAdmin())) return { created: false };
    throw error;
  }
  return oneTimePassword ? { created: true, email, oneTimePassword } : { created: true, email };
}
