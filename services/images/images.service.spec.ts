import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { useTestDatabase } from '../../test/support/test-database';
import { pixelsOf, solidPng, unzip } from '../../test/support/test-images';
import { request, requestBinary, startTestPlatform, type TestPlatform } from '../../test/support/test-platform';
import { ALICE, BOB, databaseOpen, insertFreshUser, insertTestUsers, testAccounts } from '../../test/support/test-tenants';
import { BoardEntity } from '../boards/board.entity';
import { readTextChunks } from './png-text-chunks';
import { createImageSaver, type ImageSaver } from './image-saver';
import type { ImageRecord } from './image-records';
import { ImageEntity } from './image.entity';
import { ImageRepository } from './image.repository';
import { createImagesService } from './images.service';
import { LocalBlobStore } from '../storage/local-blob-store';
import { BlobImageFileStore } from './blob-image-file-store';

type List = { items: ImageRecord[]; total: number; limit: number; offset: number };

describe('images service', () => {
  const db = useTestDatabase([ImageEntity, BoardEntity]);
  let platform: TestPlatform;
  let dataDir: string;
  let saver: ImageSaver;
  const graph = { nodes: [{ id: 'noise', type: 'image.noise', inputs: { seed: 7 } }], edges: [] };

  beforeAll(async () => {
    if (!databaseOpen(db)) return;
    await insertTestUsers(db.dataSource);
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-images-'));
    const files = new BlobImageFileStore(new LocalBlobStore(dataDir));
    saver = createImageSaver(files, new ImageRepository(db.dataSource));
    platform = await startTestPlatform([createImagesService({ dataSource: db.dataSource, config: { maxUploadBytes: 1024 * 1024, imageDelivery: 'redirect', signedUrlTtlMs: 300_000 }, files }), testAccounts]);
  });
  afterAll(async () => {
    await platform?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => db.skipIfMissing());

  const api = <T>(method: string, url: string, token = ALICE.token, body?: unknown) => request<T>(platform.url, method, url, { token, ...(body !== undefined ? { body } : {}) });
  const generated = async (owner = ALICE.id, overrides: Partial<Parameters<ImageSaver['save']>[1]> = {}) =>
    saver.save(owner, { data: await solidPng(64, 48, '#204080'), origin: 'internal', metadata: { seed: 7, prompt: 'a pink sea' }, graph, sessionId: 's-1', nodeId: 'noise', ...overrides });
  const notFound = (name: string) => ({ error: { code: 'not_found', message: `There is no image "${name}"` } });

  it('saves a generated image as a PNG file with the graph embedded, a record and a thumbnail', async () => {
    const source = await solidPng(512, 384, '#204080');
    const record = await saver.save(ALICE.id, { data: source, origin: 'internal', metadata: { seed: 7 }, graph, sessionId: 's-1', nodeId: 'noise' });
    const onDisk = await readFile(path.join(dataDir, 'images', ALICE.id, `${record.name}.png`));
    expect(record).toEqual(jasmine.objectContaining({ origin: 'internal', category: 'general', intermediate: false, starred: false, boardId: null, width: 512, height: 384, byteSize: onDisk.length, sessionId: 's-1', nodeId: 'noise' }));
    expect(JSON.parse(readTextChunks(onDisk)['pinksea_graph']!)).toEqual(graph);

    const got = await api<ImageRecord>('GET', `/images/${record.name}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(record);

    const full = await requestBinary(platform.url, 'GET', `/images/${record.name}/full`, { token: ALICE.token });
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('image/png');
    expect(full.bytes.equals(onDisk)).toBeTrue();
    expect((await pixelsOf(full.bytes)).data.equals((await pixelsOf(source)).data)).toBeTrue();

    const thumbnail = await requestBinary(platform.url, 'GET', `/images/${record.name}/thumbnail`, { token: ALICE.token });
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
    const thumbInfo = await sharp(thumbnail.bytes).metadata();
    expect([thumbInfo.format, thumbInfo.width, thumbInfo.height]).toEqual(['webp', 256, 192]);
    expect(thumbnail.bytes.equals(await readFile(path.join(dataDir, 'images', ALICE.id, 'thumbnails', `${record.name}.webp`)))).toBeTrue();
  });

  it('makes an intermediate image\'s thumbnail only when it is first asked for', async () => {
    const record = await generated(ALICE.id, { intermediate: true });
    const thumbnailFile = path.join(dataDir, 'images', ALICE.id, 'thumbnails', `${record.name}.webp`);
    await expectAsync(access(thumbnailFile)).toBeRejected();
    const thumbnail = await requestBinary(platform.url, 'GET', `/images/${record.name}/thumbnail`, { token: ALICE.token });
    expect([thumbnail.status, thumbnail.headers.get('content-type')]).toEqual([200, 'image/webp']);
    expect(thumbnail.bytes.equals(await readFile(thumbnailFile))).toBeTrue();
  });

  it('does not enlarge the thumbnail of a small image', async () => {
    const record = await generated();
    const thumbnail = await requestBinary(platform.url, 'GET', `/images/${record.name}/thumbnail`, { token: ALICE.token });
    const info = await sharp(thumbnail.bytes).metadata();
    expect([info.width, info.height]).toEqual([64, 48]);
  });

  it('answers the embedded metadata and graph', async () => {
    const record = await generated();
    const response = await api('GET', `/images/${record.name}/metadata`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ name: record.name, metadata: { seed: 7, prompt: 'a pink sea' }, graph });
  });

  it('lists newest first, paginated, hiding intermediates unless asked', async () => {
    const owner = await insertFreshUser(db.dataSource);
    const first = await generated(owner.id);
    const middle = await generated(owner.id, { intermediate: true });
    const last = await generated(owner.id);
    const page = await api<List>('GET', '/images?limit=1&offset=1', owner.token);
    expect(page.status).toBe(200);
    expect(page.body).toEqual({ items: [first], total: 2, limit: 1, offset: 1 });
    const all = await api<List>('GET', '/images?includeIntermediate=true', owner.token);
    expect(all.body.items.map((image) => image.name)).toEqual([last.name, middle.name, first.name]);
    expect(all.body.total).toBe(3);
  });

  it('filters by starred, category and board', async () => {
    const owner = await insertFreshUser(db.dataSource);
    const plain = await generated(owner.id);
    const mask = await generated(owner.id, { category: 'mask' });
    const [board] = (await db.dataSource.query(`INSERT INTO boards (owner_id, name) VALUES ($1, 'b') RETURNING id`, [owner.id])) as { id: string }[];
    const onBoard = await generated(owner.id, { boardId: board!.id });
    expect((await api('POST', `/images/${plain.name}/star`, owner.token)).status).toBe(200);
    const names = async (query: string) => (await api<List>('GET', `/images?${query}`, owner.token)).body.items.map((image) => image.name);
    expect(await names('starred=true')).toEqual([plain.name]);
    expect(await names('starred=false')).toEqual([onBoard.name, mask.name]);
    expect(await names('category=mask')).toEqual([mask.name]);
    expect(await names(`board=${board!.id}`)).toEqual([onBoard.name]);
    expect(await names('board=none')).toEqual([mask.name, plain.name]);
  });

  it('refuses bad list parameters and boards that are not the caller\'s', async () => {
    for (const query of ['limit=0', 'limit=201', 'limit=ten', 'offset=-1', 'category=portrait', 'starred=maybe']) {
      const response = await api<{ error: { code: string } }>('GET', `/images?${query}`);
      expect(response.status).withContext(query).toBe(422);
      expect(response.body.error.code).toBe('invalid_input');
    }
    const [bobs] = (await db.dataSource.query(`INSERT INTO boards (owner_id, name) VALUES ($1, 'bob') RETURNING id`, [BOB.id])) as { id: string }[];
    for (const board of [bobs!.id, '0a3c5f9e-0000-4000-8000-000000000000', 'not-a-board']) {
      const response = await api('GET', `/images?board=${board}`);
      expect(response.status).withContext(board).toBe(404);
      expect(response.body).toEqual({ error: { code: 'not_found', message: `There is no board "${board}"` } });
    }
  });

  it('stars and unstars', async () => {
    const record = await generated();
    const starred = await api<ImageRecord>('POST', `/images/${record.name}/star`);
    expect(starred.body.starred).toBeTrue();
    expect((await api<ImageRecord>('GET', `/images/${record.name}`)).body.starred).toBeTrue();
    const unstarred = await api<ImageRecord>('POST', `/images/${record.name}/unstar`);
    expect(unstarred.body.starred).toBeFalse();
    expect((await api('POST', '/images/nope/star')).body).toEqual(notFound('nope'));
  });

  it('deletes the record and both files', async () => {
    const record = await generated();
    const full = path.join(dataDir, 'images', ALICE.id, `${record.name}.png`);
    const thumbnail = path.join(dataDir, 'images', ALICE.id, 'thumbnails', `${record.name}.webp`);
    await access(full);
    const response = await api('DELETE', `/images/${record.name}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ name: record.name, deleted: true });
    expect((await api('GET', `/images/${record.name}`)).status).toBe(404);
    await expectAsync(access(full)).toBeRejected();
    await expectAsync(access(thumbnail)).toBeRejected();
    expect((await api('DELETE', `/images/${record.name}`)).body).toEqual(notFound(record.name));
  });

  it('streams a zip of the chosen images, each file byte for byte', async () => {
    const one = await generated();
    const two = await saver.save(ALICE.id, { data: await solidPng(30, 10, '#00ff00'), origin: 'internal' });
    const response = await requestBinary(platform.url, 'POST', '/images/download', { token: ALICE.token, body: { names: [one.name, two.name, one.name] } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="images.zip"');
    expect(response.headers.get('content-length')).toBeNull();
    const files = await unzip(response.bytes);
    expect([...files.keys()]).toEqual([`${one.name}.png`, `${two.name}.png`]);
    expect(files.get(`${two.name}.png`)!.equals(await readFile(path.join(dataDir, 'images', ALICE.id, `${two.name}.png`)))).toBeTrue();
    expect(files.get(`${one.name}.png`)!.equals(await readFile(path.join(dataDir, 'images', ALICE.id, `${one.name}.png`)))).toBeTrue();
  });

  it('refuses a download with an unknown name or a bad list, sending no zip', async () => {
    const mine = await generated();
    const missing = await api('POST', '/images/download', ALICE.token, { names: [mine.name, 'nope'] });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(notFound('nope'));
    for (const body of [{ names: [] }, { names: 'x' }, { names: [3] }, {}]) {
      expect((await api('POST', '/images/download', ALICE.token, body)).status).withContext(JSON.stringify(body)).toBe(422);
    }
  });

  it('answers every route for another user\'s image exactly as for a missing one, and changes nothing', async () => {
    const alices = await generated();
    for (const [method, route] of [['GET', ''], ['GET', '/full'], ['GET', '/thumbnail'], ['GET', '/metadata'], ['GET', '/url'], ['POST', '/star'], ['POST', '/unstar'], ['DELETE', '']] as const) {
      const theirs = await api(method, `/images/${alices.name}${route}`, BOB.token);
      const missing = await api(method, `/images/00000000-0000-4000-8000-000000000000${route}`, BOB.token);
      expect([theirs.status, missing.status]).withContext(`${method} ${route}`).toEqual([404, 404]);
      expect(theirs.body).toEqual(notFound(alices.name));
    }
    expect((await api('POST', '/images/download', BOB.token, { names: [alices.name] })).body).toEqual(notFound(alices.name));
    expect((await api<List>('GET', '/images?includeIntermediate=true', BOB.token)).body.items.map((image) => image.name)).not.toContain(alices.name);
    expect((await api<ImageRecord>('GET', `/images/${alices.name}`)).body).toEqual(alices);
    await access(path.join(dataDir, 'images', ALICE.id, `${alices.name}.png`));
  });

  it('streams images from the data dir, which signs no URLs: the studio is told to fetch the bytes', async () => {
    const record = await generated();
    const full = await fetch(`${platform.url}/images/${record.name}/full`, { headers: { authorization: `Bearer ${ALICE.token}` }, redirect: 'manual' });
    expect([full.status, full.headers.get('location')]).toEqual([200, null]);
    await full.arrayBuffer();
    expect((await api('GET', `/images/${record.name}/url?variant=thumbnail`)).body).toEqual({ url: null, expiresAt: null });
    expect((await api('GET', `/images/${record.name}/url?variant=large`)).status).toBe(422);
  });

  it('asks for a token', async () => {
    const record = await generated();
    for (const route of ['/images', `/images/${record.name}`, `/images/${record.name}/full`]) {
      expect((await request(platform.url, 'GET', route)).status).withContext(route).toBe(401);
    }
  });
});
