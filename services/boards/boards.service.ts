/**
 * Boards (service `boards`): create, list with image counts, get, rename, delete (the images stay,
 * on no board), and move images onto or off a board. Scoped by the caller in the repository.
 */
import type { ServiceSchema } from 'moleculer';
import type { DataSource } from 'typeorm';
import { IMAGE_ON_BOARD, type ImageOnBoard } from './board-events';
import { defineAction } from '../kernel/action-params';
import { callerOf } from '../kernel/auth-middleware';
import { NotFoundError } from '../kernel/service-errors';
import { PAGE_PARAMS, type Page } from '../kernel/request-params';
import { created } from '../kernel/response-meta';
import type { BoardRecord } from './board-records';
import { BoardRepository } from './board.repository';

export interface BoardsServiceOptions {
  readonly dataSource: DataSource;
}

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
      list: defineAction({
        rest: 'GET /boards',
        params: PAGE_PARAMS,
        handler(ctx): Promise<Page<BoardRecord>> {
          return boards.list(callerOf(ctx).id, { limit: ctx.params.limit, offset: ctx.params.offset });
        },
      }),
      create: defineAction({
        rest: 'POST /boards',
        params: NAME,
        async handler(ctx): Promise<BoardRecord> {
          const board = await boards.create(callerOf(ctx).id, ctx.params.name);
          created(ctx.meta, `boards/${board.id}`);
          return board;
        },
      }),
      get: defineAction({
        rest: 'GET /boards/:id',
        params: ID,
        async handler(ctx): Promise<BoardRecord> {
          return found(ctx.params.id, await boards.find(callerOf(ctx).id, ctx.params.id));
        },
      }),
      rename: defineAction({
        rest: 'PATCH /boards/:id',
        params: { ...ID, ...NAME },
        async handler(ctx): Promise<BoardRecord> {
          return found(ctx.params.id, await boards.rename(callerOf(ctx).id, ctx.params.id, ctx.params.name));
        },
      }),
      remove: defineAction({
        rest: 'DELETE /boards/:id',
        params: ID,
        async handler(ctx): Promise<{ id: string; deleted: true }> {
          if (!(await boards.delete(callerOf(ctx).id, ctx.params.id))) throw new NotFoundError('board', ctx.params.id);
          return { id: ctx.params.id, deleted: true };
        },
      }),
      addImages: defineAction({
        rest: 'POST /boards/:id/images',
        params: { ...ID, ...NAMES },
        async handler(ctx): Promise<{ boardId: string; moved: number }> {
          const ownerId = callerOf(ctx).id;
          const moved = await boards.addImages(ownerId, ctx.params.id, ctx.params.names);
          for (const imageName of moved) void ctx.emit(IMAGE_ON_BOARD, { ownerId, imageName, boardId: ctx.params.id } satisfies ImageOnBoard);
          return { boardId: ctx.params.id, moved: moved.length };
        },
      }),
      removeImages: defineAction({
        rest: 'POST /boards/:id/images/remove',
        params: { ...ID, ...NAMES },
        async handler(ctx): Promise<{ boardId: string; removed: number }> {
          return { boardId: ctx.params.id, removed: await boards.removeImages(callerOf(ctx).id, ctx.params.id, ctx.params.names) };
        },
      }),
    },
  };
}
