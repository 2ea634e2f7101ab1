/**
 * Image records in PostgreSQL through TypeORM. Every query is scoped by owner_id, and board
 * references are checked against the owner's boards in the same transaction as the write.
 */
import { In, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { NotFoundError } from '../kernel/service-errors';
import { isUuid, type Page, type PageRequest } from '../kernel/request-params';
import { ImageEntity, type ImageRow } from './image.entity';
import type { ImageFilter, ImageRecord, ImageRecords, NewImageRecord } from './image-records';
import type { RunImageRecords } from './run-images';

export class ImageRepository implements ImageRecords, RunImageRecords {
  private readonly images: Repository<ImageRow>;

  constructor(private readonly dataSource: DataSource) {
    this.images = dataSource.getRepository(ImageEntity);
  }

  async insert(record: NewImageRecord): Promise<ImageRecord> {
    return this.dataSource.transaction(async (manager) => {
      if (record.boardId !== null && !(await ownsBoard(manager, record.ownerId, record.boardId, true))) {
        throw new NotFoundError('board', record.boardId);
      }
      const images = manager.getRepository(ImageEntity);
      await images.insert({ ...record, byteSize: String(record.byteSize), metadata: record.metadata ? { ...record.metadata } : null });
      return toRecord(await images.findOneByOrFail({ ownerId: record.ownerId, name: record.name }));
    });
  }

  async find(ownerId: string, name: string): Promise<ImageRecord | undefined> {
    const row = await this.images.findOneBy({ ownerId, name });
    return row ? toRecord(row) : undefined;
  }

  async findMany(ownerId: string, names: readonly string[]): Promise<ImageRecord[]> {
    if (names.length === 0) return [];
    return (await this.images.findBy({ ownerId, name: In([...names]) })).map(toRecord);
  }

  async list(ownerId: string, filter: ImageFilter, page: PageRequest): Promise<Page<ImageRecord>> {
    const query = this.images.createQueryBuilder('image').where('image.owner_id = :ownerId', { ownerId });
    if (filter.board === 'none') query.andWhere('image.board_id IS NULL');
    else if (filter.board !== undefined) query.andWhere('image.board_id = :board', { board: filter.board });
    if (filter.starred !== undefined) query.andWhere('image.starred = :starred', { starred: filter.starred });
    if (filter.category !== undefined) query.andWhere('image.category = :category', { category: filter.category });
    if (!filter.includeIntermediate) query.andWhere('image.intermediate = false');
    const [rows, total] = await query
      .orderBy('image.created_at', 'DESC')
      .addOrderBy('image.name', 'DESC')
      .offset(page.offset)
      .limit(page.limit)
      .getManyAndCount();
    return { items: rows.map(toRecord), total, limit: page.limit, offset: page.offset };
  }

  async setStarred(ownerId: string, name: string, starred: boolean): Promise<ImageRecord | undefined> {
    const result = await this.images.update({ ownerId, name }, { starred });
    return result.affected ? this.find(ownerId, name) : undefined;
  }

  async delete(ownerId: string, name: string): Promise<boolean> {
    const result = await this.images.delete({ ownerId, name });
    return (result.affected ?? 0) > 0;
  }

  async deleteSessionImages(ownerId: string, sessionId: string, since: Date): Promise<string[]> {
    const result = await this.images
      .createQueryBuilder()
      .delete()
      .where('owner_id = :ownerId AND session_id = :sessionId AND created_at >= :since', { ownerId, sessionId, since })
      .returning('name')
      .execute();
    return (result.raw as { name: string }[]).map((row) => row.name);
  }

  async boardExists(ownerId: string, boardId: string): Promise<boolean> {
    return ownsBoard(this.dataSource.manager, ownerId, boardId, false);
  }
}

/** Whether the board is the owner's; `lock` keeps it from being deleted until the transaction ends. */
async function ownsBoard(manager: EntityManager, ownerId: string, boardId: string, lock: boolean): Promise<boolean> {
  if (!isUuid(boardId)) return false;
  const rows = (await manager.query(`SELECT 1 FROM boards WHERE id = $1 AND owner_id = $2${lock ? ' FOR KEY SHARE' : ''}`, [boardId, ownerId])) as unknown[];
  return rows.length > 0;
}

function toRecord(row: ImageRow): ImageRecord {
  return {
    name: row.name,
    origin: row.origin,
    category: row.category,
    intermediate: row.intermediate,
    starred: row.starred,
    boardId: row.boardId,
    width: row.width,
    height: row.height,
    byteSize: Number(row.byteSize),
    sessionId: row.sessionId,
    nodeId: row.nodeId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
