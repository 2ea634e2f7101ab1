/**
 * Every migration, in order. Migrations own the schema (CONVENTIONS §9): `<epoch>-<Name>.ts`,
 * each with `up` and `down`, importing no entities.
 */
import type { MigrationInterface } from 'typeorm';
import { InitialSchema1764201600000 } from './1764201600000-InitialSchema';
import { ModelRecords1764201600300 } from './1764201600300-ModelRecords';
import { QueueItemAcceleratorSeconds1764201600500 } from './1764201600500-QueueItemAcceleratorSeconds';
import { InstalledPacks1764201600400 } from './1764201600400-InstalledPacks';
import { PlansAndPools1764201600600 } from './1764201600600-PlansAndPools';
import { RefreshTokenFamilies1764201600700 } from './1764201600700-RefreshTokenFamilies';
import { QueueItemWorkerInstance1764201600800 } from './1764201600800-QueueItemWorkerInstance';
import { BatchKeepIntermediates1764201600900 } from './1764201600900-BatchKeepIntermediates';
import { WorkflowVersions1764201601000 } from './1764201601000-WorkflowVersions';
import { Automations1764201601100 } from './1764201601100-Automations';
import { CreditLedger1764201601300 } from './1764201601300-CreditLedger';
import { Plans1764201601400 } from './1764201601400-Plans';
import { PlanCredits1764201601500 } from './1764201601500-PlanCredits';
import { AdminAudit1764201601600 } from './1764201601600-AdminAudit';
import { Credentials1764201601200 } from './1764201601200-Credentials';

export const MIGRATIONS: readonly (new () => MigrationInterface)[] = [
  InitialSchema1764201600000,
  ModelRecords1764201600300,
  QueueItemAcceleratorSeconds1764201600500,
  InstalledPacks1764201600400,
  PlansAndPools1764201600600,
  RefreshTokenFamilies1764201600700,
  QueueItemWorkerInstance1764201600800,
  BatchKeepIntermediates1764201600900,
  WorkflowVersions1764201601000,
  Automations1764201601100,
  Credentials1764201601200,
  CreditLedger1764201601300,
  Plans1764201601400,
  PlanCredits1764201601500,
  AdminAudit1764201601600,
];
