/** The `refresh_tokens` table (migrations/1764201600000-InitialSchema.ts, family_id from 1764201600700-RefreshTokenFamilies.ts) as a TypeORM entity schema. */
import { EntitySchema } from 'typeorm';
import type { RefreshTokenRecord } from './refresh-token-store';

export const RefreshTokenEntity = new EntitySchema<RefreshTokenRecord>({
  name: 'RefreshToken',
  tableName: 'refresh_tokens',
  columns: {
    id: { type: 'uuid', primary: true },
    userId: { type: 'uuid', name: 'user_id' },
    familyId: { type: 'uuid', name: 'family_id' },
    tokenHash: { type: 'text', name: 'token_hash' },
    expiresAt: { type: 'timestamptz', name: 'expires_at' },
    revokedAt: { type: 'timestamptz', name: 'revoked_at', nullable: true },
    replacedBy: { type: 'uuid', name: 'replaced_by', nullable: true },
    createdAt: { type: 'timestamptz', name: 'created_at' },
  },
});
