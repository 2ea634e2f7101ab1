/** The `users` table (migrations/1764201600000-InitialSchema.ts) as a TypeORM entity schema. */
import { EntitySchema } from 'typeorm';
import type { UserRecord } from './user-store';

export const UserEntity = new EntitySchema<UserRecord>({
  name: 'User',
  tableName: 'users',
  columns: {
    id: { type: 'uuid', primary: true },
    email: { type: 'text' },
    displayName: { type: 'text', name: 'display_name' },
    passwordHash: { type: 'text', name: 'password_hash' },
    role: { type: 'text' },
    plan: { type: 'text' },
    disabled: { type: 'boolean' },
    createdAt: { type: 'timestamptz', name: 'created_at' },
    updatedAt: { type: 'timestamptz', name: 'updated_at' },
  },
});
