/**
 * Two users for tenancy specs: their rows in `users` (owned rows point at them) and a stand-in
 * `accounts` service that maps each one's fixed token to them, so the gateway's real auth path
 * runs and every action sees its caller.
 *
 *   const db = useTestDatabase(entities);
 *   beforeAll(() => insertTestUsers(db.dataSource));
 *   startTestPlatform([myService, testAccounts]) ... request(url, 'GET', '/x', { token: ALICE.token })
 */
import type { ServiceSchema } from 'moleculer';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../../services/kernel/auth-middleware';
import { UnauthorizedError } from '../../services/kernel/service-errors';

export interface TestUser extends AuthUser {
  readonly token: string;
}

export const ALICE: TestUser = { id: '00000000-0000-4000-8000-00000000a11c', email: 'alice@example.com', role: 'user', scopes: 'all', token: 'alice-token' };
export const BOB: TestUser = { id: '00000000-0000-4000-8000-000000000b0b', email: 'bob@example.com', role: 'user', scopes: 'all', token: 'bob-token' };
/** An admin, for admin-only routes; insert it with `insertTestUsers(ds, [ALICE, BOB, ADMIN])`. */
export const ADMIN: TestUser = { id: '00000000-0000-4000-8000-0000000ad817', email: 'admin@example.com', role: 'admin', scopes: 'all', token: 'admin-token' };

export async function insertTestUsers(dataSource: DataSource, users: readonly TestUser[] = [ALICE, BOB]): Promise<void> {
  for (const user of users) {
    await dataSource.query(`INSERT INTO users (id, email, password_hash, role) VALUES ($1, $2, 'not-a-hash', $3) ON CONFLICT (id) DO NOTHING`, [user.id, user.email, user.role]);
  }
}

/** Resolves ALICE's, BOB's and ADMIN's tokens and those of users from insertFreshUser; any other token is refused (401). */
export const testAccounts: ServiceSchema = {
  name: 'accounts',
  actions: {
    authenticate: {
      auth: 'none',
      handler(ctx): AuthUser {
        const token = (ctx.params as { token: string }).token;
        const fresh = token.startsWith('user:') ? token.slice('user:'.length) : undefined;
        if (fresh) return { id: fresh, email: `${fresh}@example.com`, role: 'user', scopes: 'all' };
        const user = [ALICE, BOB, ADMIN].find((candidate) => candidate.token === token);
        if (!user) throw new UnauthorizedError('That token is not valid');
        const { token: _token, ...authUser } = user;
        return authUser;
      },
    },
  },
};

/** A user of a spec's own, so list assertions see only the rows that spec made; its token works with testAccounts. */
export async function insertFreshUser(dataSource: DataSource): Promise<{ id: string; token: string }> {
  const [row] = (await dataSource.query(`INSERT INTO users (email, password_hash) VALUES (gen_random_uuid() || '@example.com', 'not-a-hash') RETURNING id`)) as { id: string }[];
  return { id: row!.id, token: `user:${row!.id}` };
}

/** Whether the test database opened; specs skip (db.skipIfMissing) when it did not. */
export function databaseOpen(db: { readonly dataSource: DataSource }): boolean {
  try {
    return db.dataSource.isInitialized;
  } catch {
    return false;
  }
}
