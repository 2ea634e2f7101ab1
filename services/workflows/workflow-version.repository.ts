/**
 * Published workflow versions in PostgreSQL through TypeORM. Every query reaches a version through
 * its workflow's owner_id. Publishing locks the workflow row, so concurrent publishes of one
 * workflow take numbers one after the other and the graph stored is the one that was checked.
 */
import type { DataSource, Repository } from 'typeorm';
import type { Graph } from '../../engine/graph/graph';
import { isUuid, type Page, type PageRequest } from '../kernel/request-params';
import type { PackVersion, VersionStamp, WorkflowVersion, WorkflowVersionRecords, WorkflowVersionSummary } from './workflow-version-records';
import { WorkflowVersionEntity, type WorkflowVersionRow } from './workflow-version.entity';

const SUMMARY_COLUMNS = ['v.workflowId', 'v.version', 'v.authorId', 'v.note', 'v.createdAt'];

export class WorkflowVersionRepository implements WorkflowVersionRecords {
  private readonly versions: Repository<WorkflowVersionRow>;

  constructor(private readonly dataSource: DataSource) {
    this.versions = dataSource.getRepository(WorkflowVersionEntity);
  }

  async publish(ownerId: string, workflowId: string, authorId: string, stamp: (graph: Graph) => VersionStamp): Promise<WorkflowVersion | undefined> {
    if (!isUuid(workflowId)) return undefined;
    const version = await this.dataSource.transaction(async (manager) => {
      const drafts = (await manager.query(`SELECT graph FROM workflows WHERE id = $1 AND owner_id = $2 FOR UPDATE`, [workflowId, ownerId])) as { graph: Graph }[];
      if (drafts.length === 0) return undefined;
      const { note, packs } = stamp(drafts[0]!.graph);
      // The graph and layout are copied inside PostgreSQL, exactly as the locked row holds them.
      const inserted = (await manager.query(
        `INSERT INTO workflow_versions (workflow_id, version, author_id, note, graph, layout, packs)
         SELECT w.id, COALESCE((SELECT MAX(version) FROM workflow_versions WHERE workflow_id = w.id), 0) + 1, $3, $4, w.graph, w.layout, $5::jsonb
           FROM workflows w WHERE w.id = $1 AND w.owner_id = $2
         RETURNING version`,
        [workflowId, ownerId, authorId, note, JSON.stringify(packs)],
      )) as { version: number }[];
      return inserted[0]!.version;
    });
    return version === undefined ? undefined : this.find(ownerId, workflowId, version);
  }

  async find(ownerId: string, workflowId: string, version: number): Promise<WorkflowVersion | undefined> {
    if (!isUuid(workflowId)) return undefined;
    const row = await this.owned(ownerId, workflowId).andWhere('v.version = :version', { version }).getOne();
    return row ? { ...toSummary(row), graph: row.graph as Graph, layout: row.layout, packs: row.packs as unknown as PackVersion[] } : undefined;
  }

  async list(ownerId: string, workflowId: string, page: PageRequest): Promise<Page<WorkflowVersionSummary>> {
    if (!isUuid(workflowId)) return { items: [], total: 0, limit: page.limit, offset: page.offset };
    const [rows, total] = await this.owned(ownerId, workflowId).select(SUMMARY_COLUMNS).orderBy('v.version', 'DESC').offset(page.offset).limit(page.limit).getManyAndCount();
    return { items: rows.map(toSummary), total, limit: page.limit, offset: page.offset };
  }

  /** The versions of `workflowId`, if `ownerId` owns it. */
  private owned(ownerId: string, workflowId: string) {
    return this.versions
      .createQueryBuilder('v')
      .innerJoin('workflows', 'w', 'w.id = v.workflow_id AND w.owner_id = :ownerId', { ownerId })
      .where('v.workflow_id = :workflowId', { workflowId });
  }
}

function toSummary(row: WorkflowVersionRow): WorkflowVersionSummary {
  return { workflowId: row.workflowId, version: row.version, authorId: row.authorId, note: row.note, createdAt: row.createdAt.toISOString() };
}
