/** The workflow library in PostgreSQL through TypeORM; every query matches owner_id. */
import type { DataSource, Repository } from 'typeorm';
import { isUuid, type Page, type PageRequest } from '../kernel/request-params';
import { WorkflowEntity, type WorkflowRow } from './workflow.entity';
import { containsPattern } from './workflow-input';
import type { Workflow, WorkflowContent, WorkflowFilter, WorkflowRecords, WorkflowSummary } from './workflow-records';

export class WorkflowRepository implements WorkflowRecords {
  private readonly workflows: Repository<WorkflowRow>;

  constructor(dataSource: DataSource) {
    this.workflows = dataSource.getRepository(WorkflowEntity);
  }

  async create(ownerId: string, content: WorkflowContent): Promise<Workflow> {
    const result = await this.workflows.insert({ ownerId, ...toColumns(content) });
    return (await this.find(ownerId, (result.identifiers[0] as { id: string }).id))!;
  }

  async find(ownerId: string, id: string): Promise<Workflow | undefined> {
    if (!isUuid(id)) return undefined;
    const row = await this.workflows.findOneBy({ ownerId, id });
    return row ? { ...toSummary(row), graph: row.graph as Workflow['graph'], layout: row.layout } : undefined;
  }

  async list(ownerId: string, filter: WorkflowFilter, page: PageRequest): Promise<Page<WorkflowSummary>> {
    const query = this.workflows
      .createQueryBuilder('w')
      .select(['w.id', 'w.name', 'w.description', 'w.tags', 'w.createdAt', 'w.updatedAt'])
      .where('w.owner_id = :ownerId', { ownerId });
    if (filter.search) {
      query.andWhere(`(w.name ILIKE :pattern ESCAPE '\\' OR w.description ILIKE :pattern ESCAPE '\\')`, { pattern: containsPattern(filter.search) });
    }
    if (filter.tags.length > 0) query.andWhere('w.tags @> CAST(:tags AS text[])', { tags: [...filter.tags] });
    const [rows, total] = await query.orderBy('w.updated_at', 'DESC').addOrderBy('w.id', 'DESC').offset(page.offset).limit(page.limit).getManyAndCount();
    return { items: rows.map(toSummary), total, limit: page.limit, offset: page.offset };
  }

  async update(ownerId: string, id: string, changes: Partial<WorkflowContent>): Promise<Workflow | undefined> {
    if (!isUuid(id)) return undefined;
    const result = await this.workflows.update({ ownerId, id }, toColumns(changes));
    return result.affected ? this.find(ownerId, id) : undefined;
  }

  async delete(ownerId: string, id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const result = await this.workflows.delete({ ownerId, id });
    return (result.affected ?? 0) > 0;
  }
}

function toColumns(content: Partial<WorkflowContent>): Partial<Pick<WorkflowRow, 'name' | 'description' | 'tags' | 'graph' | 'layout'>> {
  const columns: Partial<Pick<WorkflowRow, 'name' | 'description' | 'tags' | 'graph' | 'layout'>> = {};
  if (content.name !== undefined) columns.name = content.name;
  if (content.description !== undefined) columns.description = content.description;
  if (content.tags !== undefined) columns.tags = [...content.tags];
  if (content.graph !== undefined) columns.graph = content.graph;
  if (content.layout !== undefined) columns.layout = (content.layout ?? null) as object | null;
  return columns;
}

function toSummary(row: WorkflowRow): WorkflowSummary {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    tags: row.tags,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
