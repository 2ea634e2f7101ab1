import { useTestDatabase } from '../../test/support/test-database';
import { request, startTestPlatform, type TestPlatform } from '../../test/support/test-platform';
import { ALICE, BOB, databaseOpen, insertFreshUser, insertTestUsers, testAccounts } from '../../test/support/test-tenants';
import { ImageEntity } from '../images/image.entity';
import type { BoardRecord } from './board-records';
import { BoardEntity } from './board.entity';
import { createBoardsService } from './boards.service';

type ErrorBody = { error: { code: string; message: string; issues?: { field: string }[] } };
type List = { items: BoardRecord[]; total: number; limit: number; offset: number };

describe('boards service', () => {
  const db = useTestDatabase([BoardEntity, ImageEntity]);
  let platform: TestPlatform;

  beforeAll(async () => {
    if (!databaseOpen(db)) return;
    await insertTestUsers(db.dataSource);
    platform = await startTestPlatform([createBoardsService({ dataSource: db.dataSource }), testAccounts]);
  });
  afterAll(() => platform?.stop());
  beforeEach(() => db.skipIfMissing());

  const api = <T = unknown>(method: string, url: string, token: string, body?: unknown) => request<T>(platform.url, method, url, { token, ...(body !== undefined ? { body } : {}) });
  const createBoard = async (token: string, name = 'Board') => (await api<BoardRecord>('POST', '/boards', token, { name })).body;
  /** An image row straight in the table: boards only care about records. */
  let counter = 0;
  const image = async (ownerId: string, options: { boardId?: string; intermediate?: boolean } = {}) => {
    const name = `img-${++counter}-${Date.now()}`;
    await db.dataSource.query(
      `INSERT INTO images (name, owner_id, board_id, origin, intermediate, width, height, byte_size, created_at) VALUES ($1, $2, $3, 'internal', $4, 1, 1, 1, now() + $5 * interval '1 ms')`,
      [name, ownerId, options.boardId ?? null, options.intermediate ?? false, counter],
    );
    return name;
  };
  const boardOf = async (name: string) => ((await db.dataSource.query(`SELECT board_id FROM images WHERE name = $1`, [name])) as { board_id: string | null }[])[0]!.board_id;
  const notFound = (what: string, id: string) => ({ error: { code: 'not_found', message: `There is no ${what} "${id}"` } });

  it('creates a board (201, trimmed name) and gets it back', async () => {
    const response = await api<BoardRecord>('POST', '/boards', ALICE.token, { name: '  Portraits  ' });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe(`boards/${response.body.id}`);
    expect(response.body).toEqual(jasmine.objectContaining({ name: 'Portraits', imageCount: 0, coverImageName: null }));
    expect((await api('GET', `/boards/${response.body.id}`, ALICE.token)).body).toEqual(response.body);
  });

  it('lists boards newest first with image counts (intermediates not counted) and covers, paginated', async () => {
    const owner = await insertFreshUser(db.dataSource);
    const older = await createBoard(owner.token, 'older');
    const newer = await createBoard(owner.token, 'newer');
    await image(owner.id, { boardId: older.id });
    const cover = await image(owner.id, { boardId: older.id });
    await image(owner.id, { boardId: older.id, intermediate: true });
    await image(owner.id);
    const all = await api<List>('GET', '/boards', owner.token);
    expect(all.body.total).toBe(2);
    expect(all.body.items.map((board) => [board.name, board.imageCount, board.coverImageName])).toEqual([['newer', 0, null], ['older', 2, cover]]);
    const second = await api<List>('GET', '/boards?limit=1&offset=1', owner.token);
    expect(second.body).toEqual(jasmine.objectContaining({ total: 2, limit: 1, offset: 1 }));
    expect(second.body.items.map((board) => board.id)).toEqual([older.id]);
    expect(newer.id).not.toBe(older.id);
  });

  it('renames a board', async () => {
    const board = await createBoard(ALICE.token, 'before');
    const renamed = await api<BoardRecord>('PATCH', `/boards/${board.id}`, ALICE.token, { name: 'after' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('after');
    expect((await api<BoardRecord>('GET', `/boards/${board.id}`, ALICE.token)).body.name).toBe('after');
  });

  it('moves images onto a board and off it again', async () => {
    const from = await createBoard(ALICE.token, 'from');
    const to = await createBoard(ALICE.token, 'to');
    const loose = await image(ALICE.id);
    const elsewhere = await image(ALICE.id, { boardId: from.id });
    const moved = await api('POST', `/boards/${to.id}/images`, ALICE.token, { names: [loose, elsewhere, loose] });
    expect(moved.body).toEqual({ boardId: to.id, moved: 2 });
    expect([await boardOf(loose), await boardOf(elsewhere)]).toEqual([to.id, to.id]);
    expect((await api<BoardRecord>('GET', `/boards/${to.id}`, ALICE.token)).body.imageCount).toBe(2);

    const other = await image(ALICE.id, { boardId: from.id });
    const removed = await api('POST', `/boards/${to.id}/images/remove`, ALICE.token, { names: [loose, other] });
    expect(removed.body).toEqual({ boardId: to.id, removed: 1 });
    expect([await boardOf(loose), await boardOf(elsewhere), await boardOf(other)]).toEqual([null, to.id, from.id]);
  });

  it('deletes a board and leaves its images on no board', async () => {
    const board = await createBoard(ALICE.token);
    const kept = await image(ALICE.id, { boardId: board.id });
    const response = await api('DELETE', `/boards/${board.id}`, ALICE.token);
    expect(response.body).toEqual({ id: board.id, deleted: true });
    expect((await api('GET', `/boards/${board.id}`, ALICE.token)).status).toBe(404);
    expect(await boardOf(kept)).toBeNull();
    expect((await api('DELETE', `/boards/${board.id}`, ALICE.token)).body).toEqual(notFound('board', board.id));
  });

  it('refuses bad input with a reason, changing nothing', async () => {
    const board = await createBoard(ALICE.token, 'stays');
    for (const body of [{}, { name: '' }, { name: '   ' }, { name: 'x'.repeat(101) }, { name: 42 }]) {
      const response = await api<ErrorBody>('POST', '/boards', ALICE.token, body);
      expect(response.status).withContext(JSON.stringify(body)).toBe(422);
      expect(response.body.error.issues![0]!.field).toBe('name');
      expect((await api<ErrorBody>('PATCH', `/boards/${board.id}`, ALICE.token, body)).status).toBe(422);
    }
    const malformed = await request(platform.url, 'POST', '/boards', { token: ALICE.token, rawBody: '{"name":', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    for (const body of [{ names: [] }, { names: 'a' }, { names: [1] }]) {
      expect((await api('POST', `/boards/${board.id}/images`, ALICE.token, body)).status).withContext(JSON.stringify(body)).toBe(422);
    }
    const mine = await image(ALICE.id);
    const unknown = await api('POST', `/boards/${board.id}/images`, ALICE.token, { names: [mine, 'no-such-image'] });
    expect(unknown.body).toEqual(notFound('image', 'no-such-image'));
    expect(await boardOf(mine)).toBeNull();
    for (const id of ['not-a-uuid', '5b1f0000-0000-4000-8000-000000000000']) {
      expect((await api('GET', `/boards/${id}`, ALICE.token)).body).toEqual(notFound('board', id));
      expect((await api('POST', `/boards/${id}/images`, ALICE.token, { names: [mine] })).body).toEqual(notFound('board', id));
    }
    expect((await api<BoardRecord>('GET', `/boards/${board.id}`, ALICE.token)).body.name).toBe('stays');
  });

  it('answers another user\'s board and images as missing, and changes nothing', async () => {
    const alices = await createBoard(ALICE.token, 'private');
    const alicesImage = await image(ALICE.id, { boardId: alices.id });
    const bobs = await createBoard(BOB.token, 'bob');
    const bobsImage = await image(BOB.id);
    const calls: [string, string, unknown?][] = [
      ['GET', `/boards/${alices.id}`],
      ['PATCH', `/boards/${alices.id}`, { name: 'taken' }],
      ['DELETE', `/boards/${alices.id}`],
      ['POST', `/boards/${alices.id}/images`, { names: [bobsImage] }],
      ['POST', `/boards/${alices.id}/images/remove`, { names: [alicesImage] }],
    ];
    for (const [method, route, body] of calls) {
      const response = await api(method, route, BOB.token, body);
      expect(response.status).withContext(`${method} ${route}`).toBe(404);
      expect(response.body).toEqual(notFound('board', alices.id));
    }
    expect((await api('POST', `/boards/${bobs.id}/images`, BOB.token, { names: [alicesImage] })).body).toEqual(notFound('image', alicesImage));
    expect((await api<List>('GET', '/boards?limit=200', BOB.token)).body.items.map((board) => board.id)).not.toContain(alices.id);
    expect((await api<BoardRecord>('GET', `/boards/${alices.id}`, ALICE.token)).body).toEqual(jasmine.objectContaining({ name: 'private', imageCount: 1 }));
    expect([await boardOf(alicesImage), await boardOf(bobsImage)]).toEqual([alices.id, null]);
  });

  it('asks for a token', async () => {
    expect((await request(platform.url, 'GET', '/boards')).status).toBe(401);
    expect((await request(platform.url, 'POST', '/boards', { body: { name: 'x' } })).status).toBe(401);
  });
});
