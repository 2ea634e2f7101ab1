/** What the API shows of accounts and keys: never a hash, never another user's secret. */
import type { Role } from '../kernel/roles';
import type { Plan } from './plans';
import type { ApiKeyRecord } from './api-key-store';
import type { UserRecord } from './user-store';

export interface PublicUser {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly role: Role;
  /** Decides the worker pool that runs the user's items. */
  readonly plan: Plan;
  readonly disabled: boolean;
  readonly createdAt: string;
}

export interface Session {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  readonly expiresIn: number;
  readonly user: PublicUser;
}

export interface ApiKeyView {
  readonly id: string;
  readonly name: string;
  /** `psk_<prefix>_…`: enough to recognise a key, not to use it. */
  readonly prefix: string;
  readonly scopes: readonly string[];
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
}

export function toPublicUser(user: UserRecord): PublicUser {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    plan: user.plan,
    disabled: user.disabled,
    createdAt: user.createdAt.toISOString(),
  };
}

export function toApiKeyView(key: ApiKeyRecord): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: [...key.scopes],
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}
