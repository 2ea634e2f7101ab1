/**
 * A fresh, migrated database per spec file on the machine's PostgreSQL (DATABASE_URL), dropped
 * afterwards. Real connections, no mocks.
 *
 *   const db = useTestDatabase(entities);
 *   beforeEach(() => db.skipIfMissing());
 *   ... db.dataSource
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource, EntitySchema } from 'typeorm';
import { connect } from '../../services/database/database';
import { missingService, serviceUrls } from './services-available';

export interface TestDatabase {
  readonly dataSource: DataSource;
  readonly url: string;
  /** Marks the spec pending with the reason when PostgreSQL is missing. */
  skipIfMissing(): void;
}

export function useTestDatabase(entities: readonly EntitySchema[] = []): TestDatabase {
  const server = serviceUrls().postgres;
  const name = `pinksea_test_${randomBytes(6).toString('hex')}`;
  let missing: string | undefined;
  let dataSource: DataSource | undefined;
  const url = withDatabase(server, name);

  beforeAll(async () => {
    missing = await missingService('PostgreSQL', server);
    if (missing) return;
    await admin(server, `CREATE DATABASE ${name}`);
    dataSource = await connect(url, entities);
  }, 30_000);

  afterAll(async () => {
    if (missing) return;
    await dataSource?.destroy();
    await admin(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }, 30_000);

  return {
    url,
    get dataSource() {
      if (!dataSource) throw new Error(missing ?? 'the test database is not open yet');
      return dataSource;
    },
    skipIfMissing() {
      if (missing) pending(missing);
    },
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin(server: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
