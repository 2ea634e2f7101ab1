/**
 * Every migration, in order. Migrations own the schema (CONVENTIONS §9): `<epoch>-<Name>.ts`,
 * each with `up` and `down`, importing no entities.
 */
import type { MigrationInterface } from 'typeorm';
import { InitialSchema1764201600000 } from './1764201600000-InitialSchema';
import { ModelRecords1764201600300 } from './1764201600300-ModelRecords';

export const MIGRATIONS: readonly (new () => MigrationInterface)[] = [InitialSchema1764201600000, ModelRecords1764201600300];
