/**
 * The accounts area's stores on one TypeORM DataSource, and the entities the DataSource must
 * know. Callers outside the repositories see only the store interfaces.
 */
import type { DataSource } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeyRepository } from './api-key.repository';
import type { ApiKeyStore } from './api-key-store';
import { RefreshTokenEntity } from './refresh-token.entity';
import { RefreshTokenRepository } from './refresh-token.repository';
import type { RefreshTokenStore } from './refresh-token-store';
import { UserEntity } from './user.entity';
import { UserRepository } from './user.repository';
import type { UserStore } from './user-store';

/** The DataSource the platform opens (services/database/database.ts), as this area receives it. */
export type AccountsDataSource = DataSource;

export const ACCOUNT_ENTITIES = [UserEntity, RefreshTokenEntity, ApiKeyEntity] as const;

export interface AccountStores {
  readonly users: UserStore;
  readonly refreshTokens: RefreshTokenStore;
  readonly apiKeys: ApiKeyStore;
}

export function createAccountStores(dataSource: AccountsDataSource): AccountStores {
  return {
    users: new UserRepository(dataSource),
    refreshTokens: new RefreshTokenRepository(dataSource),
    apiKeys: new ApiKeyRepository(dataSource),
  };
}
