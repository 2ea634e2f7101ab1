/** Installed packs in PostgreSQL through TypeORM. The table is global: packs serve every tenant. */
import { QueryFailedError, type DataSource, type Repository } from 'typeorm';
import { ConflictError } from '../kernel/service-errors';
import { InstalledPackEntity, type InstalledPackRow } from './installed-pack.entity';
import type { InstalledPack, InstalledPacks, NewInstalledPack } from './installed-packs';

const UNIQUE_VIOLATION = '23505';

export class InstalledPackRepository implements InstalledPacks {
  private readonly packs: Repository<InstalledPackRow>;

  constructor(dataSource: DataSource) {
    this.packs = dataSource.getRepository(InstalledPackEntity);
  }

  async list(): Promise<InstalledPack[]> {
    return (await this.packs.find({ order: { name: 'ASC' } })).map(toRecord);
  }

  async listEnabled(): Promise<InstalledPack[]> {
    return (await this.packs.find({ where: { enabled: true }, order: { installedAt: 'ASC' } })).map(toRecord);
  }

  async find(name: string): Promise<InstalledPack | undefined> {
    const row = await this.packs.findOneBy({ name });
    return row ? toRecord(row) : undefined;
  }

  async insert(pack: NewInstalledPack): Promise<InstalledPack> {
    try {
      await this.packs.insert({ ...pack, nodeTypes: [...pack.nodeTypes], enabled: true });
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new ConflictError(`The pack "${pack.name}" is already installed; uninstall it first`, 'name');
      }
      throw error;
    }
    return toRecord(await this.packs.findOneByOrFail({ name: pack.name }));
  }

  async delete(name: string): Promise<boolean> {
    const result = await this.packs.delete({ name });
    return (result.affected ?? 0) > 0;
  }
}

function toRecord(row: InstalledPackRow): InstalledPack {
  return {
    name: row.name,
    version: row.version,
    description: row.description,
    source: row.source,
    installPath: row.installPath,
    nodeTypes: row.nodeTypes,
    enabled: row.enabled,
    installedBy: row.installedBy,
    installedAt: row.installedAt,
  };
}
