/**
 * `npm run bench:storage`: what keeping images on S3-compatible object storage costs through the
 * platform, in one run, on an S3 server (s3rver) and fresh databases the bench makes and drops:
 * an `api` platform on PINKSEA_STORAGE=s3 and, for reference, one on its data dir.
 *   1. Save and serve of a 512x512 PNG: POST /images/upload, then GET /images/{name}/full read to
 *      its end (following a redirect to a presigned URL where the route gives one), against the
 *      AWS SDK's PutObject and GetObject of the same bytes on the same server: median ms of
 *      alternating rounds, and the ratio (the goal is at most 1.3x); beside it, the same routes
 *      on the data dir, which do the same image work (decode, re-encode, thumbnail) without S3.
 *   2. A zip of 100 such images through POST /images/download: ms and MB/s, on S3 and on the
 *      data dir, beside GetObject of 100 objects of the same size one after another.
 * The last line carries the ratio of (1).
 *
 *   npm run bench:storage -- [rounds=20] [zipRounds=5]
 */
import os from 'node:os';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { testServiceUrls } from '../../config/config';
import { startS3Server, type TestS3Server } from '../../test/support/s3-server';
import { medians } from '../bench-kit';
import type { BenchApi } from '../queue/bench-api-client';
import { adminQuery, freshDatabase, runBench, startBenchPlatform, Teardown } from '../queue/bench-environment';

const ROUNDS = Number(process.argv[2] ?? 20);
const ZIP_ROUNDS = Number(process.argv[3] ?? 5);
const SIDE = 512;
const ZIP_IMAGES = 100;
const GOAL = 1.3;

async function main(): Promise<void> {
  const services = testServiceUrls();
  try {
    await adminQuery(services.postgres, 'SELECT 1');
  } catch (error) {
    throw new Error(`the storage bench needs PostgreSQL at ${new URL(services.postgres).host}: ${(error as Error).message}`, { cause: error });
  }
  const teardown = new Teardown();
  try {
    const s3 = await startS3Server('pinksea-bench');
    teardown.defer('stop the S3 server', () => s3.stop());
    const { region, endpoint, credentials } = s3.storeOptions;
    const raw = new S3Client({ region, endpoint, forcePathStyle: true, credentials });
    teardown.defer('close the raw S3 client', async () => raw.destroy());

    const png = await samplePng();
    const { api } = await startBenchPlatform({ role: 'api', databaseUrl: await freshDatabase(services.postgres, teardown), redisUrl: '', concurrency: 1, env: s3.env }, teardown);
    // The same routes on the data dir, for what S3 itself adds: the upload route's own work (decode, re-encode, thumbnail) is in both.
    const local = await startBenchPlatform({ role: 'api', databaseUrl: await freshDatabase(services.postgres, teardown), redisUrl: '', concurrency: 1 }, teardown);
    const onS3 = new ImageRoutes(api, png);
    const onDisk = new ImageRoutes(local.api, png);
    let rawKey = '';
    let round = 0;
    const [saveMs, serveMs, putMs, getMs, diskSaveMs, diskServeMs] = await medians([
      async () => void (await onS3.save()),
      () => onS3.serve(),
      async () => {
        rawKey = `bench-raw/${(round += 1)}.png`;
        await raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: rawKey, Body: png, ContentLength: png.byteLength, ContentType: 'image/png' }));
      },
      async () => {
        const answer = await raw.send(new GetObjectCommand({ Bucket: s3.bucket, Key: rawKey }));
        const bytes = await answer.Body!.transformToByteArray();
        if (bytes.byteLength !== png.byteLength) throw new Error(`GetObject gave ${bytes.byteLength} bytes, not ${png.byteLength}`);
      },
      async () => void (await onDisk.save()),
      () => onDisk.serve(),
    ], ROUNDS, 2);
    const imageObjects = await countObjects(raw, s3, 'images/');

    const zip = await benchZip(onS3, onDisk, raw, s3, png);

    const platformMs = saveMs! + serveMs!;
    const rawMs = putMs! + getMs!;
    const ratio = platformMs / rawMs;
    const row = (step: string, route: string, ms: number, rawStep: string, rawStepMs: number, diskMs: number) => ({
      step,
      'platform on S3': route,
      ms: fixed(ms),
      'raw SDK': rawStep,
      'raw ms': fixed(rawStepMs),
      'platform / raw': (ms / rawStepMs).toFixed(2),
      'same route, data dir ms': fixed(diskMs),
    });
    console.log(`storage bench (s3rver on 127.0.0.1, median of ${ROUNDS} alternating rounds after 2 warm-ups; ${process.version}, ${os.cpus().length} CPUs)`);
    console.log(`\n1. save and serve of a ${SIDE}x${SIDE} PNG (${kb(png.byteLength)} sent; ${kb(onS3.storedBytes)} as the platform stores it)`);
    console.table([
      row('save', 'POST /images/upload', saveMs!, 'PutObject', putMs!, diskSaveMs!),
      row('serve', `GET /images/{name}/full${onS3.redirected ? ' → 302 → presigned GET' : ''}`, serveMs!, 'GetObject', getMs!, diskServeMs!),
      row('save + serve', '', platformMs, '', rawMs, diskSaveMs! + diskServeMs!),
    ]);
    console.log(
      `On S3 the full image was ${onS3.redirected ? 'redirected to a presigned URL' : 'streamed through the API'}; ` +
        `the bucket holds ${imageObjects} object(s) under images/${imageObjects === 0 ? ' (the platform kept its image files in its data dir, not on S3)' : ''}.`,
    );
    console.log(`\n2. zip of ${ZIP_IMAGES} images through POST /images/download (median of ${ZIP_ROUNDS} after a warm-up)`);
    const zipRow = (what: string, ms: number, bytes: number) => ({ what, ms: fixed(ms), MB: mb(bytes), 'MB/s': (bytes / 1e6 / (ms / 1000)).toFixed(1) });
    console.table([
      zipRow('platform on S3', zip.s3Ms, zip.s3Bytes),
      zipRow('platform on the data dir', zip.diskMs, zip.diskBytes),
      zipRow(`raw SDK: ${ZIP_IMAGES} GetObject in turn`, zip.rawMs, zip.rawBytes),
    ]);
    console.log(`save + serve of a ${SIDE}x${SIDE} PNG on S3, platform / raw SDK put + get = ${ratio.toFixed(2)}x (goal at most ${GOAL}x${ratio <= GOAL ? ', met' : ', not met'})`);
  } finally {
    await teardown.run();
  }
}

/** A 512x512 PNG about as large as a generated one: smooth gradients with some grain. */
async function samplePng(): Promise<Buffer> {
  const pixels = Buffer.alloc(SIDE * SIDE * 3);
  let state = 1;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      const grain = state >>> 28;
      const at = (y * SIDE + x) * 3;
      pixels[at] = (x >> 1) + grain;
      pixels[at + 1] = (y >> 1) + grain;
      pixels[at + 2] = ((x + y) >> 2) + grain;
    }
  }
  return sharp(pixels, { raw: { width: SIDE, height: SIDE, channels: 3 } }).png().toBuffer();
}

/** The image routes the bench drives on one platform, as its admin. */
class ImageRoutes {
  /** Whether GET /images/{name}/full answered with a redirect (to a presigned URL). */
  redirected = false;
  storedBytes = 0;
  private last = '';

  constructor(
    private readonly api: BenchApi,
    private readonly png: Buffer,
  ) {}

  /** POST /images/upload; returns the new image's name. */
  async save(): Promise<string> {
    const response = await fetch(`${this.api.url}/images/upload`, { method: 'POST', headers: this.headers('image/png'), body: this.png });
    this.last = (JSON.parse((await bodyOf(response, 'POST /images/upload')).toString()) as { name: string }).name;
    return this.last;
  }

  /** GET /images/{name}/full of the last image saved, to its last byte; fetch follows a redirect (without the Authorization header, as browsers do). */
  async serve(): Promise<void> {
    const response = await fetch(`${this.api.url}/images/${this.last}/full`, { headers: this.headers() });
    const body = await bodyOf(response, `GET /images/${this.last}/full`);
    this.redirected ||= response.redirected;
    this.storedBytes = body.byteLength;
  }

  /** POST /images/download of `names`: the zip's size. */
  async zip(names: readonly string[]): Promise<number> {
    const response = await fetch(`${this.api.url}/images/download`, { method: 'POST', headers: this.headers('application/json'), body: JSON.stringify({ names }) });
    return (await bodyOf(response, 'POST /images/download')).byteLength;
  }

  private headers(contentType?: string): Record<string, string> {
    return { authorization: `Bearer ${this.api.token}`, ...(contentType ? { 'content-type': contentType } : {}) };
  }
}

/** The whole body; any answer but 2xx (after redirects) stops the bench with the route and the body. */
async function bodyOf(response: Response, route: string): Promise<Buffer> {
  const body = Buffer.from(await response.arrayBuffer());
  if (!response.ok) throw new Error(`${route} answered ${response.status}: ${body.toString().slice(0, 500)}`);
  return body;
}

async function countObjects(client: S3Client, s3: TestS3Server, prefix: string): Promise<number> {
  let count = 0;
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix, ContinuationToken: token }));
    count += page.KeyCount ?? 0;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return count;
}

async function benchZip(onS3: ImageRoutes, onDisk: ImageRoutes, raw: S3Client, s3: TestS3Server, png: Buffer) {
  const s3Names: string[] = [];
  const diskNames: string[] = [];
  for (let index = 0; index < ZIP_IMAGES; index++) {
    s3Names.push(await onS3.save());
    diskNames.push(await onDisk.save());
    await raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `bench-zip/${index}.png`, Body: png, ContentLength: png.byteLength }));
  }
  const bytes = { s3: 0, disk: 0, raw: 0 };
  const [s3Ms, diskMs, rawMs] = await medians([
    async () => {
      bytes.s3 = await onS3.zip(s3Names);
    },
    async () => {
      bytes.disk = await onDisk.zip(diskNames);
    },
    async () => {
      bytes.raw = 0;
      for (let index = 0; index < ZIP_IMAGES; index++) {
        const answer = await raw.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `bench-zip/${index}.png` }));
        bytes.raw += (await answer.Body!.transformToByteArray()).byteLength;
      }
    },
  ], ZIP_ROUNDS, 1);
  return { s3Ms: s3Ms!, s3Bytes: bytes.s3, diskMs: diskMs!, diskBytes: bytes.disk, rawMs: rawMs!, rawBytes: bytes.raw };
}

const fixed = (ms: number) => ms.toFixed(1);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

runBench(main);
