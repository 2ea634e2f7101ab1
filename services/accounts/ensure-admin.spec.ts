import { useTestDatabase } from '../../test/support/test-database';
import { ConflictError, InvalidInputError } from '../kernel/service-errors';
import { ACCOUNT_ENTITIES, createAccountStores } from './accounts.repository';
import { ensureAdmin } from './ensure-admin';
import { hashPassword, verifyPassword } from './password-hasher';

describe('ensureAdmin (first start)', () => {
  const db = useTestDatabase(ACCOUNT_ENTITIES);
  beforeEach(() => db.skipIfMissing());
  beforeEach(async () => {
    await db.dataSource.query(`DELETE FROM users`);
  });

  const admins = () => db.dataSource.query(`SELECT email, role, password_hash FROM users WHERE role = 'admin'`) as Promise<{ email: string; password_hash: string }[]>;

  it('creates the admin from the configured email and password, once', async () => {
    const config = { adminEmail: 'Root@Example.com', adminPassword: 'configured password' };
    expect(await ensureAdmin({ dataSource: db.dataSource, config })).toEqual({ created: true, email: 'root@example.com' });
    const [admin] = await admins();
    expect(admin!.email).toBe('root@example.com');
    expect(await verifyPassword(admin!.password_hash, 'configured password')).toBeTrue();

    expect(await ensureAdmin({ dataSource: db.dataSource, config: { adminEmail: 'other@example.com', adminPassword: 'another password' } })).toEqual({ created: false });
    expect((await admins()).length).toBe(1);
  });

  it('generates a one-time password when none is configured, and returns it to be printed', async () => {
    const result = await ensureAdmin({ dataSource: db.dataSource, config: { adminEmail: 'admin@localhost', adminPassword: '' } });
    expect(result.created).toBeTrue();
    if (!result.created) return;
    expect(result.email).toBe('admin@localhost');
    expect(result.oneTimePassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const [admin] = await admins();
    expect(await verifyPassword(admin!.password_hash, result.oneTimePassword!)).toBeTrue();
    expect(await ensureAdmin({ dataSource: db.dataSource, config: { adminEmail: 'admin@localhost', adminPassword: '' } })).toEqual({ created: false });
  });

  it('names the setting when the configured email or password cannot be used', async () => {
    await expectAsync(ensureAdmin({ dataSource: db.dataSource, config: { adminEmail: 'not an email', adminPassword: '' } })).toBeRejectedWithError(InvalidInputError, /PINKSEA_ADMIN_EMAIL/);
    await expectAsync(ensureAdmin({ dataSource: db.dataSource, config: { adminEmail: 'root@example.com', adminPassword: 'short' } })).toBeRejectedWithError(InvalidInputError, /PINKSEA_ADMIN_PASSWORD/);
    expect((await admins()).length).toBe(0);
  });

  it('does not promote an existing non-admin account that holds the admin email', async () => {
    await createAccountStores(db.dataSource).users.create({ email: 'root@example.com', displayName: 'Squatter', passwordHash: await hashPassword('squatter password'), role: 'user' });
    await expectAsync(ensureAdmin({ dataSource: db.dataSource, config: { adminEmail: 'ROOT@example.com', adminPassword: 'configured password' } })).toBeRejectedWithError(ConflictError, /PINKSEA_ADMIN_EMAIL/);
    expect((await admins()).length).toBe(0);
  });

  it('creates one admin when several processes start at once', async () => {
    const config = { adminEmail: 'root@example.com', adminPassword: 'configured password' };
    const results = await Promise.all([1, 2, 3].map(() => ensureAdmin({ dataSource: db.dataSource, config })));
    expect(results.filter((result) => result.created).length).toBe(1);
    expect((await admins()).length).toBe(1);
  });
});
