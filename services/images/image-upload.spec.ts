import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { useTestDatabase } from '../../test/support/test-database';
import { bombPng, noisePng, pixelsOf, solidImage, solidPng } from '../../test/support/test-images';
import { request, requestBinary, startTestPlatform, type TestPlatform } from '../../test/support/test-platform';
import { ALICE, BOB, databaseOpen, insertFreshUser, insertTestUsers, testAccounts } from '../../test/support/test-tenants';
import { BoardEntity } from '../boards/board.entity';
import { embedData } from './embedded-data';
import type { ImageRecord } from './image-records';
import { ImageEntity } from './image.entity';
import { createImagesService } from './images.service';
import { LocalBlobStore } from '../storage/local-blob-store';
import { BlobImageFileStore } from './blob-image-file-store';

type ErrorBody = { error: { code: string; message: string; issues?: { field?: string; message: string }[] } };

const MAX_UPLOAD_BYTES = 256 * 1024;

describe('image upload', () => {
  const db = useTestDatabase([ImageEntity, BoardEntity]);
  let platform: TestPlatform;
  let dataDir: string;

  beforeAll(async () => {
    if (!databaseOpen(db)) return;
    await insertTestUsers(db.dataSource);
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-upload-'));
    const files = new BlobImageFileStore(new LocalBlobStore(dataDir));
    platform = await startTestPlatform([createImagesService({ dataSource: db.dataSource, config: { maxUploadBytes: MAX_UPLOAD_BYTES, imageDelivery: 'redirect', signedUrlTtlMs: 300_000 }, files }), testAccounts]);
  });
  afterAll(async () => {
    await platform?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => db.skipIfMissing());

  const upload = <T = ImageRecord>(bytes: Uint8Array | string, options: { query?: string; type?: string; token?: string } = {}) =>
    request<T>(platform.url, 'POST', `/images/upload${options.query ? `?${options.query}` : ''}`, {
      token: options.token ?? ALICE.token,
      rawBody: bytes,
      headers: { 'content-type': options.type ?? 'application/octet-stream' },
    });
  const fullOf = async (name: string, token = ALICE.token) => (await requestBinary(platform.url, 'GET', `/images/${name}/full`, { token })).bytes;
  /** What a refused upload must leave: no row and no file for this owner. */
  const expectNothingStored = async (ownerId: string) => {
    expect(await db.dataSource.query(`SELECT name FROM images WHERE owner_id = $1`, [ownerId])).toEqual([]);
    await expectAsync(readdir(path.join(dataDir, 'images', ownerId))).toBeRejected();
  };

  it('stores an uploaded PNG as an external image with the same pixels', async () => {
    const source = await solidPng(40, 30, '#112233');
    const response = await upload(source, { type: 'image/png' });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe(response.body.name);
    expect(response.body).toEqual(jasmine.objectContaining({ origin: 'external', category: 'user', intermediate: false, width: 40, height: 30, boardId: null, sessionId: null }));
    const stored = await fullOf(response.body.name);
    expect(response.body.byteSize).toBe(stored.length);
    expect((await pixelsOf(stored)).data.equals((await pixelsOf(source)).data)).toBeTrue();
  });

  it('converts JPEG and WebP to PNG, turning the JPEG upright by its EXIF orientation', async () => {
    const jpeg = await solidImage(40, 20).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const fromJpeg = await upload(jpeg, { type: 'image/jpeg' });
    expect(fromJpeg.status).toBe(201);
    expect([fromJpeg.body.width, fromJpeg.body.height]).toEqual([20, 40]);
    const stored = await sharp(await fullOf(fromJpeg.body.name)).metadata();
    expect([stored.format, stored.width, stored.height]).toEqual(['png', 20, 40]);

    const webp = await solidImage(17, 9, '#00ffff').webp({ lossless: true }).toBuffer();
    const fromWebp = await upload(webp, { type: 'image/webp' });
    expect(fromWebp.status).toBe(201);
    const pixels = await pixelsOf(await fullOf(fromWebp.body.name));
    expect([pixels.width, pixels.height, pixels.data[0], pixels.data[1], pixels.data[2]]).toEqual([17, 9, 0, 255, 255]);
  });

  it('goes by the bytes, not the Content-Type the client claims', async () => {
    const png = await upload(await solidPng(5, 5), { type: 'image/jpeg' });
    expect(png.status).toBe(201);
    const gif = await solidImage(5, 5).gif().toBuffer();
    const owner = await insertFreshUser(db.dataSource);
    const response = await upload<ErrorBody>(gif, { type: 'image/png', token: owner.token });
    expect(response.status).toBe(415);
    expect(response.body.error).toEqual({ code: 'unsupported_media_type', message: 'The file is a GIF image; upload a PNG, JPEG or WebP image.' });
    await expectNothingStored(owner.id);
  });

  it('refuses files that are not images (415) and images that cannot be decoded (422)', async () => {
    const owner = await insertFreshUser(db.dataSource);
    const text = await upload<ErrorBody>('hello, this is text', { type: 'text/plain', token: owner.token });
    expect(text.status).toBe(415);
    expect(text.body.error.message).toBe('The file is not an image this server can read; upload a PNG, JPEG or WebP image.');
    const svg = await upload<ErrorBody>('<svg xmlns="http://www.w3.org/2000/svg"/>', { type: 'image/svg+xml', token: owner.token });
    expect(svg.status).toBe(415);
    const form = new FormData();
    form.append('file', new Blob([await solidPng(4, 4)], { type: 'image/png' }), 'a.png');
    const multipart = await fetch(`${platform.url}/images/upload`, { method: 'POST', body: form, headers: { authorization: `Bearer ${owner.token}` } });
    expect(multipart.status).toBe(415);
    expect(((await multipart.json()) as ErrorBody).error.message).toContain('a multipart form (send the image file itself as the request body)');
    const png = await noisePng(64, 64);
    for (const damaged of [png.subarray(0, 200), Buffer.concat([png.subarray(0, 60), Buffer.alloc(2000, 0x55)])]) {
      const response = await upload<ErrorBody>(damaged, { type: 'image/png', token: owner.token });
      expect(response.status).toBe(422);
      expect(response.body.error.code).toBe('invalid_input');
      expect(response.body.error.issues![0]).toEqual(jasmine.objectContaining({ field: 'file', message: 'the file starts like a PNG image but cannot be decoded; it may be damaged or cut short' }));
    }
    await expectNothingStored(owner.id);
  });

  it('refuses an upload over the byte limit with 413', async () => {
    const owner = await insertFreshUser(db.dataSource);
    const big = await noisePng(320, 320);
    expect(big.length).toBeGreaterThan(MAX_UPLOAD_BYTES);
    const response = await upload<ErrorBody>(big, { type: 'image/png', token: owner.token });
    expect(response.status).toBe(413);
    expect(response.body.error).toEqual({ code: 'payload_too_large', message: 'The upload is larger than 256 KB; send a smaller image.' });
    // Far over the limit: the answer still arrives whole, on a connection the server keeps open.
    const huge = await upload<ErrorBody>(Buffer.concat([big, Buffer.alloc(16 * 1024 * 1024, 1)]), { type: 'image/png', token: owner.token });
    expect(huge.status).toBe(413);
    await expectNothingStored(owner.id);
  });

  it('refuses a decompression bomb from its header, without decoding it', async () => {
    const owner = await insertFreshUser(db.dataSource);
    const bomb = bombPng(20_000);
    expect(bomb.length).toBeLessThan(MAX_UPLOAD_BYTES);
    const started = Date.now();
    const response = await upload<ErrorBody>(bomb, { type: 'image/png', token: owner.token });
    expect(response.status).toBe(413);
    expect(response.body.error.message).toBe('The image is 20000×20000 pixels (381.5 megapixels); images may have at most 64 megapixels. Scale it down and upload it again.');
    expect(Date.now() - started).toBeLessThan(2000);
    await expectNothingStored(owner.id);
  });

  it('refuses an empty body and a JSON body, saying what to send', async () => {
    const empty = await upload<ErrorBody>('', { type: 'image/png' });
    expect(empty.status).toBe(422);
    expect(empty.body.error.issues![0]!.field).toBe('file');
    const json = await request<ErrorBody>(platform.url, 'POST', '/images/upload', { token: ALICE.token, body: { image: 'aGVsbG8=' } });
    expect(json.status).toBe(422);
    expect(json.body.error.message).toContain('send the image file itself as the request body');
  });

  it('takes category, board and intermediate from the query, and refuses bad ones', async () => {
    const owner = await insertFreshUser(db.dataSource);
    const [board] = (await db.dataSource.query(`INSERT INTO boards (owner_id, name) VALUES ($1, 'uploads') RETURNING id`, [owner.id])) as { id: string }[];
    const response = await upload(await solidPng(8, 8), { token: owner.token, query: `category=control&board=${board!.id}&intermediate=true` });
    expect(response.status).toBe(201);
    expect(response.body).toEqual(jasmine.objectContaining({ category: 'control', boardId: board!.id, intermediate: true }));

    const other = await insertFreshUser(db.dataSource);
    const [bobs] = (await db.dataSource.query(`INSERT INTO boards (owner_id, name) VALUES ($1, 'bob') RETURNING id`, [BOB.id])) as { id: string }[];
    for (const query of [`board=${bobs!.id}`, 'board=nope']) {
      const refused = await upload<ErrorBody>(await solidPng(8, 8), { token: other.token, query });
      expect(refused.status).withContext(query).toBe(404);
      expect(refused.body.error.code).toBe('not_found');
    }
    expect((await upload<ErrorBody>(await solidPng(8, 8), { token: other.token, query: 'category=selfie' })).status).toBe(422);
    await expectNothingStored(other.id);
  });

  it('keeps the metadata and graph of a PNG that Pinksea made', async () => {
    const graph = { nodes: [{ id: 'a', type: 'core.add' }], edges: [] };
    const made = embedData(await solidPng(8, 8), { metadata: { seed: 3 }, graph });
    const response = await upload(made, { type: 'image/png' });
    const metadata = await request(platform.url, 'GET', `/images/${response.body.name}/metadata`, { token: ALICE.token });
    expect(metadata.body).toEqual({ name: response.body.name, metadata: { seed: 3 }, graph });
  });

  it('asks for a token and stores nothing without one', async () => {
    const response = await request(platform.url, 'POST', '/images/upload', { rawBody: await solidPng(8, 8), headers: { 'content-type': 'image/png' } });
    expect(response.status).toBe(401);
  });
});
