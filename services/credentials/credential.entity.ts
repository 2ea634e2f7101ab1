/** The `credentials` table (migrations/1764201601200-Credentials.ts) as a TypeORM entity schema. */
import { EntitySchema } from 'typeorm';
import type { CredentialKind } from '../../nodes/sdk/credentials';

export interface CredentialRow {
  id: string;
  ownerId: string;
  name: string;
  kind: CredentialKind;
  /** The secret fields as JSON, sealed by the SecretBox. */
  sealed: Buffer;
  createdAt: Date;
  updatedAt: Date;
  lastUsedAt: Date | null;
}

export const CredentialEntity = new EntitySchema<CredentialRow>({
  name: 'Credential',
  tableName: 'credentials',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    ownerId: { name: 'owner_id', type: 'uuid' },
    name: { type: 'text' },
    kind: { type: 'text' },
    sealed: { type: 'bytea' },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
    updatedAt: { name: 'updated_at', type: 'timestamptz', updateDate: true },
    lastUsedAt: { name: 'last_used_at', type: 'timestamptz', nullable: true },
  },
});
