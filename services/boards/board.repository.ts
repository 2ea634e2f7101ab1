/**
 * Boards in PostgreSQL through TypeORM. Every statement matches owner_id; moving images checks,
 * in one transaction, that the board and every image are the owner's before changing any row.
 */
import type { DataSource, EntityManager, Repository } from 'typeorm';
import { NotFoundError } from '../kernel/service-errors';
import { isUuid, type Page, type PageRequest } from '../kernel/request-params';
import { BoardEntity, type BoardRow } from './board.entity';
import type { BoardRecord, BoardRecords } from './board-records';

interface BoardListRow {
  id: string;
  name: string;
  created_at: Date;
  updated_at: Date;
  image_count: number;
  cover_image_name: string | null;
}

/** A board with its image count and cover, for the owner in $1. */
const BOARD_SELECT = `
  SELECT b.id, b.name, b.created_at, b.updated_at,
    (SELECT count(*)::int FROM images i WHERE i.board_id = b.id AND i.owner_id = $1 AND NOT i.intermediate) AS image_count,
    (SELECT i.name FROM images i WHERE i.board_id = b.id AND i.owner_id = $1 AND NOT i.intermediate
      ORDER BY i.created_at DESC, i.name DESC LIMIT 1) AS cover_image_name
  FROM boards b WHERE b.owner_id = $1`;

export class BoardRepository implements BoardRecords {
  private readonly boards: Repository<BoardRow>;

  constructor(private readonly dataSource: DataSource) {
    this.boards = dataSource.getRepository(BoardEntity);
  }

  async create(ownerId: string, name: string): Promise<BoardRecord> {
    const result = await this.boards.insert({ ownerId, name });
    const id = (result.identifiers[0] as { id: string }).id;
    return (await this.find(ownerId, id))!;
  }

  async find(ownerId: string, boardId: string): Promise<BoardRecord | undefined> {
    if (!isUuid(boardId)) return undefined;
    const rows = (await this.dataSource.query(`${BOARD_SELECT} AND b.id = $2`, [ownerId, boardId])) as BoardListRow[];
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async list(ownerId: string, page: PageRequest): Promise<Page<BoardRecord>> {
    const [rows, total] = await Promise.all([
      this.dataSource.query(`${BOARD_SELECT} ORDER BY b.created_at DESC, b.id DESC LIMIT $2 OFFSET $3`, [ownerId, page.limit, page.offset]) as Promise<BoardListRow[]>,
      this.boards.countBy({ ownerId }),
    ]);
    return { items: rows.map(toRecord), total, limit: page.limit, offset: page.offset };
  }

  async rename(ownerId: string, boardId: string, name: string): Promise<BoardRecord | undefined> {
    if (!isUuid(boardId)) return undefined;
    const result = await this.boards.update({ ownerId, id: boardId }, { name });
    return result.affected ? this.find(ownerId, boardId) : undefined;
  }

  async delete(ownerId: string, boardId: string): Promise<boolean> {
    if (!isUuid(boardId)) return false;
    return this.dataSource.transaction(async (manager) => {
      // The foreign key would do this too (ON DELETE SET NULL); saying it keeps updated_at honest.
      await manager.query(`UPDATE images SET board_id = NULL, updated_at = now() WHERE owner_id = $1 AND board_id = $2`, [ownerId, boardId]);
      const result = await manager.getRepository(BoardEntity).delete({ ownerId, id: boardId });
      return (result.affected ?? 0) > 0;
    });
  }

  /** Moves the images to the board; returns the names of those that were not on it already. */
  async addImages(ownerId: string, boardId: string, names: readonly string[]): Promise<string[]> {
    return this.moveImages(ownerId, boardId, names, `UPDATE images SET board_id = $2, updated_at = now()
      WHERE owner_id = $1 AND name = ANY($3) AND board_id IS DISTINCT FROM $2`);
  }

  async removeImages(ownerId: string, boardId: string, names: readonly string[]): Promise<number> {
    return (await this.moveImages(ownerId, boardId, names, `UPDATE images SET board_id = NULL, updated_at = now()
      WHERE owner_id = $1 AND board_id = $2 AND name = ANY($3)`)).length;
  }

  private async moveImages(ownerId: string, boardId: string, names: readonly string[], update: string): Promise<string[]> {
    if (!isUuid(boardId)) throw new NotFoundError('board', boardId);
    const unique = [...new Set(names)];
    return this.dataSource.transaction(async (manager) => {
      const board = (await manager.query(`SELECT 1 FROM boards WHERE id = $1 AND owner_id = $2 FOR KEY SHARE`, [boardId, ownerId])) as unknown[];
      if (board.length === 0) throw new NotFoundError('board', boardId);
      await checkImagesOwned(manager, ownerId, unique);
      const [rows] = (await manager.query(`${update} RETURNING name`, [ownerId, boardId, unique])) as [{ name: string }[], number];
      return rows.map((row) => row.name);
    });
  }
}

/** NotFoundError naming the first of `names` that is not one of the owner's images. */
async function checkImagesOwned(manager: EntityManager, ownerId: string, names: readonly string[]): Promise<void> {
  const rows = (await manager.query(`SELECT name FROM images WHERE owner_id = $1 AND name = ANY($2) FOR UPDATE`, [ownerId, names])) as { name: string }[];
  const found = new Set(rows.map((row) => row.name));
  const missing = names.find((name) => !found.has(name));
  if (missing !== undefined) throw new NotFoundError('image', missing);
}

function toRecord(row: BoardListRow): BoardRecord {
  return {
    id: row.id,
    name: row.name,
    imageCount: row.image_count,
    coverImageName: row.cover_image_name,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
