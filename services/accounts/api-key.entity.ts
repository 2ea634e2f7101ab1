/** The `api_keys` table (migrations/1764201600000-InitialSchema.ts) as a TypeORM entity schema. */
import { EntitySchema } from 'typeorm';
import type { ApiKeyRecord } from './api-key-store';

export const ApiKeyEntity = new EntitySchema<ApiKeyRecord>({
  name: 'ApiKey',
  tableName: 'api_keys',
  columns: {
    id: { type: 'uuid', primary: true },
    userId: { type: 'uuid', name: 'user_id' },
    name: { type: 'text' },
    prefix: { type: 'text' },
    keyHash: { type: 'text', name: 'key_hash' },
    scopes: { type: 'text', array: true },
    createdAt: { type: 'timestamptz', name: 'created_at' },
    lastUsedAt: { type: 'timestamptz', name: 'last_used_at', nullable: true },
    expiresAt: { type: 'timestamptz', name: 'expires_at', nullable: true },
    revokedAt: { type: 'timestamptz', name: 'revoked_at', nullable: true },
  },
});
