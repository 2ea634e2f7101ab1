/**
 * Boards (service `boards`): create, list with image counts, get, rename, delete (the images stay,
 * on no board), and move images onto or off a board. Scoped by the caller in the repository.
 */
import type { Context, ServiceSchema } from 'moleculer';
import type { DataSource } from 'typeorm';
import { callerOf } from '../kernel/auth-middleware';
import { NotFoundError } from '../kernel/service-errors';
import { PAGE_PARAMS, type Page, type PageRequest } from '../kernel/request-params';
import { created, type ResponseMeta } from '../kernel/response-meta';
import type { BoardRecord } from './board-records';
import { BoardRepository } from './board.repository';

export interface BoardsServiceOptions {
  readonly dataSource: DataSource;
}

type Ctx<P> = Context<P, ResponseMeta>;

const ID = { id: { type: 'string', min: 1, max: 100 } } as const;
const NAME = { name: { type: 'string', trim: true, min: 1, max: 100 } } as const;
const NAMES = { names: { type: 'array', min: 1, max: 1000, items: { type: 'string', min: 1, max: 200 } } } as const;

export function createBoardsService(options: BoardsServiceOptions): ServiceSchema {
  const boards = new BoardRepository(options.dataSource);
  const found = (id: string, board: BoardRecord | undefined): BoardRecord => {
    if (!board) throw new NotFoundError('board', id);
    return board;
  };

  return {
    name: 'boards',
    settings: { rest: '/' },
    actions: {
      list: {
        rest: 'GET /boards',
        params: PAGE_PARAMS,
        handler(ctx: Ctx<PageRequest>): Promise<Page<BoardRecord>> {
          return boards.list(callerOf(ctx).id, { limit: ctx.params.limit, offset: ctx.params.offset });
        },
      },
      create: {
        rest: 'POST /boards',
        params: NAME,
        async handler(ctx: Ctx<{ name: string }>): Promise<BoardRecord> {
          const board = await boards.create(callerOf(ctx).id, ctx.params.name);
          created(ctx.meta, `boards/${board.id}`);
          return board;
        },
      },
      get: {
        rest: 'GET /boards/:id',
        params: ID,
        async handler(ctx: Ctx<{ id: string }>): Promise<BoardRecord> {
          return found(ctx.params.id, await boards.find(callerOf(ctx).id, ctx.params.id));
        },
      },
      rename: {
        rest: 'PATCH /boards/:id',
        params: { ...ID, ...NAME },
        async handler(ctx: Ctx<{ id: string; name: string }>): Promise<BoardRecord> {
          return found(ctx.params.id, await boards.rename(callerOf(ctx).id, ctx.params.id, ctx.params.name));
        },
      },
      remove: {
        rest: 'DELETE /boards/:id',
        params: ID,
        async handler(ctx: Ctx<{ id: string }>): Promise<{ id: string; deleted: true }> {
          if (!(await boards.delete(callerOf(ctx).id, ctx.params.id))) throw new NotFoundError('board', ctx.params.id);
          return { id: ctx.params.id, deleted: true };
        },
      },
      addImages: {
        rest: 'POST /boards/:id/images',
        params: { ...ID, ...NAMES },
        async handler(ctx: Ctx<{ id: string; names: string[] }>): Promise<{ boardId: string; moved: number }> {
          return { boardId: ctx.params.id, moved: await boards.addImages(callerOf(ctx).id, ctx.params.id, ctx.params.names) };
        },
      },
      removeImages: {
        rest: 'POST /boards/:id/images/remove',
        params: { ...ID, ...NAMES },
        async handler(ctx: Ctx<{ id: string; names: string[] }>): Promise<{ boardId: string; removed: number }> {
          return { boardId: ctx.params.id, removed: await boards.removeImages(callerOf(ctx).id, ctx.params.id, ctx.params.names) };
        },
      },
    },
  };
}
