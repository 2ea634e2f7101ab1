/**
 * The platform's image routes with PINKSEA_STORAGE=s3, over real services: PostgreSQL and a real
 * S3 server (s3rver) started here, reached through a relay the spec can cut as a network fault
 * would. Two platforms share the database and the bucket but no folder: one delivers images by
 * presigned URLs (the default), one streams them through the API. Users sign up for real.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { loadConfig } from '../../config/config';
import { eventually } from '../../test/support/eventually';
import { startS3Server, type TestS3Server } from '../../test/support/s3-server';
import { useTestDatabase } from '../../test/support/test-database';
import { pixelsOf, solidPng, unzip } from '../../test/support/test-images';
import { request, requestBinary } from '../../test/support/test-platform';
import { startPlatform, type Platform } from '../platform/platform';
import { S3BlobStore } from '../storage/s3-blob-store';
import type { ImageLink, ImageRecord } from './image-records';

/** How long the platforms' presigned URLs work: short, so expiry can be seen. */
const TTL_SECONDS = 2;

interface Session {
  readonly accessToken: string;
  readonly user: { readonly id: string };
}

/** A TCP relay in front of the S3 server that the spec can cut (every connection, open or new, dropped) and restore. */
interface Relay {
  readonly endpoint: string;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

async function startRelay(target: string): Promise<Relay> {
  const { hostname, port } = new URL(target);
  const open = new Set<net.Socket>();
  let down = false;
  const server = net.createServer((client) => {
    if (down) return client.destroy();
    const upstream = net.connect(Number(port), hostname);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('error', end).on('close', end);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    cut() {
      down = true;
      for (const socket of open) socket.destroy();
    },
    restore() {
      down = false;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('images on S3-compatible storage, through the platform', () => {
  const db = useTestDatabase();
  let s3: TestS3Server;
  let relay: Relay;
  let bucket: S3BlobStore;
  const folders: string[] = [];
  const platforms: Platform[] = [];
  let redirecting: Platform;
  let streaming: Platform;
  let alice: Session;
  let bob: Session;

  async function start(label: string, env: Record<string, string>): Promise<Platform> {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), `pinksea-s3-${label}-`));
    folders.push(dataDir);
    const id = `images-s3-${label}-${process.pid}`;
    const platform = await startPlatform(
      loadConfig({
        ...s3.env,
        PINKSEA_S3_ENDPOINT: relay.endpoint,
        DATABASE_URL: db.url,
        PINKSEA_DATA_DIR: dataDir,
        PINKSEA_PORT: '0',
        PINKSEA_LOG_LEVEL: 'fatal',
        PINKSEA_NODE_ID: id,
        PINKSEA_QUEUE_NAME: id,
        PINKSEA_RUNNER_THREADS: '0',
        PINKSEA_SIGNED_URL_TTL: `${TTL_SECONDS}s`,
        ...env,
      }),
    );
    platforms.push(platform);
    return platform;
  }

  beforeAll(async () => {
    db.skipIfMissing();
    s3 = await startS3Server('images-on-s3');
    relay = await startRelay(s3.endpoint);
    bucket = new S3BlobStore(s3.storeOptions);
    // One signing key, so a session made on one platform works on the other.
    const jwt = randomBytes(32).toString('hex');
    redirecting = await start('redirect', { PINKSEA_JWT_SECRET: jwt });
    streaming = await start('stream', { PINKSEA_JWT_SECRET: jwt, PINKSEA_ROLE: 'api', PINKSEA_IMAGE_DELIVERY: 'stream' });
    alice = await register('alice');
    bob = await register('bob');
  }, 90_000);

  afterAll(async () => {
    for (const platform of platforms) await platform.stop();
    bucket?.close();
    await relay?.close();
    await s3?.stop();
    for (const folder of folders) await rm(folder, { recursive: true, force: true });
  }, 30_000);

  beforeEach(() => relay?.restore());

  const api = <T>(platform: Platform, method: string, route: string, options: Parameters<typeof request>[3] = {}) => request<T>(platform.url!, method, route, options);

  async function register(name: string): Promise<Session> {
    const response = await api<Session>(redirecting, 'POST', '/auth/register', { body: { email: `${name}-${randomBytes(4).toString('hex')}@example.com`, password: 'a long enough password', displayName: name } });
    expect(response.status).withContext(JSON.stringify(response.body)).toBe(201);
    return response.body;
  }

  async function upload(session: Session, png: Buffer, query = ''): Promise<ImageRecord> {
    const response = await api<ImageRecord>(redirecting, 'POST', `/images/upload${query}`, { rawBody: png, headers: { 'content-type': 'image/png' }, token: session.accessToken });
    expect(response.status).withContext(JSON.stringify(response.body)).toBe(201);
    return response.body;
  }

  /** The image route's answer, not followed. */
  const unfollowed = (platform: Platform, route: string, token: string) => fetch(`${platform.url}${route}`, { headers: { authorization: `Bearer ${token}` }, redirect: 'manual' });

  async function keysOf(ownerId: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const info of bucket.list(`images/${ownerId}/`)) keys.push(info.key);
    return keys.sort();
  }

  it('stores an upload in the bucket, not in the data dir, and serves it to its owner through a redirect to a URL that fetches its bytes', async () => {
    const source = await solidPng(300, 200, '#2050a0');
    const record = await upload(alice, source);
    // The thumbnail of an upload is made when first asked for.
    expect((await keysOf(alice.user.id)).filter((key) => key.includes(record.name))).toEqual([`images/${alice.user.id}/${record.name}.png`]);
    for (const folder of folders) expect(await readdir(folder)).not.toContain('images');

    const answer = await unfollowed(redirecting, `/images/${record.name}/full`, alice.accessToken);
    expect(answer.status).toBe(302);
    const location = new URL(answer.headers.get('location')!);
    expect(location.origin).toBe(relay.endpoint);
    expect(location.searchParams.get('X-Amz-Expires')).toBe(String(TTL_SECONDS));
    const maxAge = Number(/^private, max-age=(\d+)$/.exec(answer.headers.get('cache-control') ?? '')?.[1]);
    expect(maxAge).toBeLessThan(TTL_SECONDS);

    // Fetched as a browser would: no Authorization header, straight from the store.
    const bytes = await fetch(location);
    expect([bytes.status, bytes.headers.get('content-type')]).toEqual([200, 'image/png']);
    const png = Buffer.from(await bytes.arrayBuffer());
    expect(png.length).toBe(record.byteSize);
    expect((await pixelsOf(png)).data.equals((await pixelsOf(source)).data)).toBeTrue();

    // fetch follows the redirect itself, as curl -L and most clients do.
    const followed = await requestBinary(redirecting.url!, 'GET', `/images/${record.name}/full`, { token: alice.accessToken });
    expect(followed.bytes.equals(png)).toBeTrue();
  });

  it('refuses another user\'s image as a missing one, never with a URL', async () => {
    const record = await upload(alice, await solidPng(40, 40));
    for (const route of [`/images/${record.name}/full`, `/images/${record.name}/thumbnail`, `/images/${record.name}/url`]) {
      for (const platform of [redirecting, streaming]) {
        const answer = await unfollowed(platform, route, bob.accessToken);
        expect(answer.status).withContext(route).toBe(404);
        expect(answer.headers.get('location')).withContext(route).toBeNull();
        expect(await answer.text()).withContext(route).not.toContain('X-Amz');
      }
    }
  });

  it('gives the studio the URL itself, where it cannot follow the redirect with its token', async () => {
    const record = await upload(alice, await solidPng(40, 40));
    const link = await api<ImageLink>(redirecting, 'GET', `/images/${record.name}/url?variant=thumbnail`, { token: alice.accessToken });
    expect(link.status).toBe(200);
    expect(Date.parse(link.body.expiresAt!) - Date.now()).toBeLessThanOrEqual(TTL_SECONDS * 1000);
    const thumbnail = await fetch(link.body.url!);
    expect([thumbnail.status, thumbnail.headers.get('content-type')]).toEqual([200, 'image/webp']);
    expect((await api<ImageLink>(streaming, 'GET', `/images/${record.name}/url`, { token: alice.accessToken })).body).toEqual({ url: null, expiresAt: null });
  });

  it('allows the store\'s origin in the Content-Security-Policy\'s img-src where images are redirected, and only there', async () => {
    const imgSrc = async (platform: Platform) => ((await fetch(`${platform.url}/health`)).headers.get('content-security-policy') ?? '').split(';').find((directive) => directive.startsWith('img-src'));
    expect(await imgSrc(redirecting)).toBe(`img-src 'self' data: blob: ${relay.endpoint}`);
    expect(await imgSrc(streaming)).toBe("img-src 'self' data: blob:");
  });

  it('redirects to a thumbnail, and makes and stores an intermediate image\'s thumbnail on its first request', async () => {
    const record = await upload(alice, await solidPng(512, 256, '#a02050'), '?intermediate=true');
    const thumbnailKey = `images/${alice.user.id}/thumbnails/${record.name}.webp`;
    expect(await bucket.head(thumbnailKey)).toBeUndefined();
    const answer = await unfollowed(redirecting, `/images/${record.name}/thumbnail`, alice.accessToken);
    expect(answer.status).toBe(302);
    expect(await bucket.head(thumbnailKey)).toBeDefined();
    const thumbnail = Buffer.from(await (await fetch(answer.headers.get('location')!)).arrayBuffer());
    const info = await sharp(thumbnail).metadata();
    expect([info.format, info.width, info.height]).toEqual(['webp', 256, 128]);
  });

  it('streams from the bucket through the API where delivery is stream: full image and thumbnail', async () => {
    const record = await upload(alice, await solidPng(64, 32));
    const full = await unfollowed(streaming, `/images/${record.name}/full`, alice.accessToken);
    expect([full.status, full.headers.get('content-type'), full.headers.get('location')]).toEqual([200, 'image/png', null]);
    expect(Buffer.from(await full.arrayBuffer()).equals(await bucket.get(`images/${alice.user.id}/${record.name}.png`))).toBeTrue();
    const thumbnail = await unfollowed(streaming, `/images/${record.name}/thumbnail`, alice.accessToken);
    expect([thumbnail.status, thumbnail.headers.get('content-type')]).toEqual([200, 'image/webp']);
  });

  it('downloads several images as a zip streamed from the bucket', async () => {
    const colors = ['#101010', '#208020', '#3030c0'];
    const records = [];
    for (const color of colors) records.push(await upload(alice, await solidPng(32, 32, color)));
    const zip = await requestBinary(redirecting.url!, 'POST', '/images/download', { token: alice.accessToken, body: { names: records.map((record) => record.name) } });
    expect([zip.status, zip.headers.get('content-type')]).toEqual([200, 'application/zip']);
    const files = await unzip(zip.bytes);
    expect([...files.keys()]).toEqual(records.map((record) => `${record.name}.png`));
    for (const record of records) expect(files.get(`${record.name}.png`)!.equals(await bucket.get(`images/${alice.user.id}/${record.name}.png`))).toBeTrue();
  });

  it('refuses a presigned URL used after it expired', async () => {
    const record = await upload(alice, await solidPng(16, 16));
    const answer = await unfollowed(redirecting, `/images/${record.name}/full`, alice.accessToken);
    const location = answer.headers.get('location')!;
    expect((await fetch(location)).status).toBe(200);
    // (s3rver checks a presigned URL's expiry, not its signature; AWS and MinIO check both.)
    await new Promise((resolve) => setTimeout(resolve, TTL_SECONDS * 1000 + 1100));
    expect((await fetch(location)).status).toBe(403);
  }, 15_000);

  it('answers 503 storage_unavailable when the store fails mid-request, and keeps no record of an upload it could not store', async () => {
    const kept = await upload(alice, await solidPng(16, 16));
    const carol = await register('carol');
    relay.cut();
    const refused = await api<{ error: { code: string; message: string } }>(redirecting, 'POST', '/images/upload', { rawBody: await solidPng(24, 24), headers: { 'content-type': 'image/png' }, token: carol.accessToken });
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('storage_unavailable');
    expect(refused.body.error.message).toMatch(/^Storage is unavailable right now \(could not store /);
    const streamed = await api<{ error: { code: string } }>(streaming, 'GET', `/images/${kept.name}/full`, { token: alice.accessToken });
    expect([streamed.status, streamed.body.error.code]).toEqual([503, 'storage_unavailable']);
    const metadata = await api<{ error: { code: string } }>(redirecting, 'GET', `/images/${kept.name}/metadata`, { token: alice.accessToken });
    expect([metadata.status, metadata.body.error.code]).toEqual([503, 'storage_unavailable']);
    relay.restore();

    expect(await db.dataSource.query('SELECT name FROM images WHERE owner_id = $1', [carol.user.id])).toEqual([]);
    expect(await keysOf(carol.user.id)).toEqual([]);
    const listed = await api<{ total: number }>(redirecting, 'GET', '/images', { token: carol.accessToken });
    expect(listed.body.total).toBe(0);
    // Back up, the same upload goes through.
    await eventually(async () => (await api(redirecting, 'POST', '/images/upload', { rawBody: await solidPng(24, 24), headers: { 'content-type': 'image/png' }, token: carol.accessToken })).status === 201, 10_000, 'an upload once the store is back');
    expect((await keysOf(carol.user.id)).length).toBe(1);
  }, 30_000);
});
