/**
 * Model records in PostgreSQL through TypeORM. Users see shared rows (owner_id NULL) and their
 * own; the manager checks who may change or delete a row before it calls `update` or `delete`.
 */
import { In, IsNull, type DataSource, type Repository } from 'typeorm';
import { isUuid, type Page, type PageRequest } from '../kernel/request-params';
import type { ModelChanges, ModelFilter, ModelRecord, ModelRecords, NewModelRecord } from './model-records';
import { ModelEntity, type ModelRow } from './model.entity';

export class ModelRepository implements ModelRecords {
  private readonly models: Repository<ModelRow>;

  constructor(dataSource: DataSource) {
    this.models = dataSource.getRepository(ModelEntity);
  }

  async insert(record: NewModelRecord): Promise<ModelRecord> {
    await this.models.insert({ ...record, sizeBytes: String(record.sizeBytes), metadata: { ...record.metadata } });
    return toRecord(await this.models.findOneByOrFail({ key: record.key }));
  }

  async find(key: string): Promise<ModelRecord | undefined> {
    if (!isUuid(key)) return undefined;
    const row = await this.models.findOneBy({ key });
    return row ? toRecord(row) : undefined;
  }

  async findVisible(viewerId: string, key: string): Promise<ModelRecord | undefined> {
    const record = await this.find(key);
    return record && (record.ownerId === null || record.ownerId === viewerId) ? record : undefined;
  }

  async findSharedBySource(sources: readonly string[]): Promise<ModelRecord[]> {
    if (sources.length === 0) return [];
    return (await this.models.findBy({ ownerId: IsNull(), source: In([...sources]) })).map(toRecord);
  }

  async listVisible(viewerId: string, filter: ModelFilter, page: PageRequest): Promise<Page<ModelRecord>> {
    const query = this.models.createQueryBuilder('model').where('(model.owner_id IS NULL OR model.owner_id = :viewerId)', { viewerId });
    if (filter.type !== undefined) query.andWhere('model.type = :type', { type: filter.type });
    if (filter.base !== undefined) query.andWhere('model.base = :base', { base: filter.base });
    const [rows, total] = await query
      .orderBy('model.created_at', 'DESC')
      .addOrderBy('model.key', 'DESC')
      .offset(page.offset)
      .limit(page.limit)
      .getManyAndCount();
    return { items: rows.map(toRecord), total, limit: page.limit, offset: page.offset };
  }

  async update(key: string, changes: ModelChanges): Promise<ModelRecord | undefined> {
    if (!isUuid(key)) return undefined;
    const set: Partial<ModelRow> = {};
    if (changes.name !== undefined) set.name = changes.name;
    if (changes.description !== undefined) set.description = changes.description;
    if (Object.keys(set).length > 0) await this.models.update({ key }, set);
    return this.find(key);
  }

  /** Of these keys, those a model has (for the scheduler's sweep of stored files without a model). */
  async existingKeys(keys: readonly string[]): Promise<Set<string>> {
    const valid = keys.filter(isUuid);
    if (valid.length === 0) return new Set();
    const rows = (await this.models.find({ select: { key: true }, where: { key: In(valid) } })) as { key: string }[];
    return new Set(rows.map((row) => row.key));
  }

  async delete(key: string): Promise<boolean> {
    if (!isUuid(key)) return false;
    return ((await this.models.delete({ key })).affected ?? 0) > 0;
  }
}

function toRecord(row: ModelRow): ModelRecord {
  return {
    key: row.key,
    name: row.name,
    base: row.base,
    type: row.type,
    format: row.format,
    source: row.source,
    path: row.path,
    sizeBytes: Number(row.sizeBytes),
    hash: row.hash,
    description: row.description,
    ownerId: row.ownerId,
    metadata: row.metadata as Record<string, unknown>,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
