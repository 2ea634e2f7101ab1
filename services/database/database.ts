/**
 * Opens the database: an external PostgreSQL from DATABASE_URL, or the embedded one; then brings
 * the schema up to date with the migrations (never `synchronize`). Only repositories use the
 * DataSource this returns.
 */
import { DataSource, type EntitySchema } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres';

export interface Database {
  readonly dataSource: DataSource;
  readonly url: string;
  readonly embedded: boolean;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  readonly url: string;
  readonly dataDir: string;
  readonly embeddedPort: number;
  readonly entities: readonly EntitySchema[];
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let embedded: EmbeddedDatabase | undefined;
  const url = options.url || (embedded = await startEmbeddedPostgres(options.dataDir, options.embeddedPort)).url;
  const dataSource = await connect(url, options.entities);
  return {
    dataSource,
    url,
    embedded: embedded !== undefined,
    async close() {
      await dataSource.destroy();
      await embedded?.stop();
    },
  };
}

/** Connects and runs pending migrations. */
export async function connect(url: string, entities: readonly EntitySchema[]): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    entities: [...entities],
    migrations: [...MIGRATIONS],
    synchronize: false,
    migrationsTransactionMode: 'each',
    logging: false,
    extra: { max: 10 },
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  return dataSource;
}
