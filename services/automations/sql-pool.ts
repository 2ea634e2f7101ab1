/** The pool TypeORM holds, for the automation repositories' plain SQL (named statements where hot). */
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

export function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as PostgresDriver).master as Pool;
}

export async function rowsOf<T>(pool: Pool, text: string, values: unknown[] = [], name?: string): Promise<T[]> {
  return (await pool.query({ text, values, ...(name ? { name } : {}) })).rows as T[];
}
