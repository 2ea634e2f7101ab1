import { useTestDatabase } from '../../test/support/test-database';

describe('database', () => {
  const db = useTestDatabase();
  beforeEach(() => db.skipIfMissing());

  it('brings a new database to the latest schema with the migrations', async () => {
    const tables = await db.dataSource.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`);
    expect(tables.map((row: { table_name: string }) => row.table_name)).toEqual(
      jasmine.arrayContaining(['api_keys', 'boards', 'images', 'queue_batches', 'queue_items', 'refresh_tokens', 'users', 'workflows']),
    );
    const applied = await db.dataSource.query(`SELECT name FROM migrations`);
    expect(applied.map((row: { name: string }) => row.name)).toContain('InitialSchema1764201600000');
  });

  it('runs the migrations again as a no-op on a migrated database', async () => {
    expect(await db.dataSource.runMigrations()).toEqual([]);
  });

  it('refuses a second user with the same email in another case', async () => {
    await db.dataSource.query(`INSERT INTO users (email, password_hash) VALUES ('Ada@example.com', 'x')`);
    await expectAsync(db.dataSource.query(`INSERT INTO users (email, password_hash) VALUES ('ada@EXAMPLE.com', 'x')`)).toBeRejected();
  });
});
