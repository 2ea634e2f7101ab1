/**
 * The one typed configuration of Pinksea, and the only reader of process.env (CONVENTIONS §10).
 * Every setting has an environment variable, a type, a default and a line of documentation;
 * `npm start` runs on the defaults alone (embedded PostgreSQL, in-process broker).
 */
import path from 'node:path';
import { ConfigError, readSetting, setting, type SettingSpec } from './settings';

export const ROLES = ['all', 'api', 'worker', 'scheduler'] as const;
export type Role = (typeof ROLES)[number];
export const IMAGE_DELIVERIES = ['redirect', 'stream'] as const;
export type ImageDelivery = (typeof IMAGE_DELIVERIES)[number];
/** The longest a presigned URL may live (S3's limit for signature version 4). */
const MAX_SIGNED_URL_TTL_MS = 7 * 86_400_000;

export const SETTINGS = {
  role: setting<Role>({ env: 'PINKSEA_ROLE', type: 'enum', options: ROLES, default: 'all', doc: 'Which services this process runs: all (one machine), api, worker or scheduler.' }),
  nodeId: setting<string>({ env: 'PINKSEA_NODE_ID', type: 'string', default: '', doc: 'Broker node id; hostname and pid when empty.' }),
  dataDir: setting<string>({ env: 'PINKSEA_DATA_DIR', type: 'string', default: '.data', doc: 'Where images, models, installed packs and the embedded database live.' }),
  storage: setting<string>({ env: 'PINKSEA_STORAGE', type: 'enum', options: ['local', 's3'], default: 'local', doc: 'Where images, uploads, pack tarballs and model files live: local (the data dir) or s3 (S3-compatible object storage, so a cluster needs no shared disk).' }),
  s3Bucket: setting<string>({ env: 'PINKSEA_S3_BUCKET', type: 'string', default: '', doc: 'With PINKSEA_STORAGE=s3: the bucket (it must exist).' }),
  s3Region: setting<string>({ env: 'PINKSEA_S3_REGION', type: 'string', default: 'us-east-1', doc: 'With PINKSEA_STORAGE=s3: the bucket\'s region (auto for Cloudflare R2).' }),
  s3Endpoint: setting<string>({ env: 'PINKSEA_S3_ENDPOINT', type: 'url', default: '', doc: 'With PINKSEA_STORAGE=s3: the endpoint of an S3-compatible server (MinIO, R2, Ceph); AWS S3 when empty.' }),
  s3ForcePathStyle: setting<boolean>({ env: 'PINKSEA_S3_FORCE_PATH_STYLE', type: 'boolean', default: false, doc: 'With PINKSEA_STORAGE=s3: put the bucket in the URL path, as MinIO and most self-hosted servers want.' }),
  s3AccessKeyId: setting<string>({ env: 'PINKSEA_S3_ACCESS_KEY_ID', type: 'string', default: '', secret: true, doc: 'With PINKSEA_STORAGE=s3: access key; the AWS SDK\'s default chain (environment, profile, instance role) when empty.' }),
  s3SecretAccessKey: setting<string>({ env: 'PINKSEA_S3_SECRET_ACCESS_KEY', type: 'string', default: '', secret: true, doc: 'With PINKSEA_STORAGE=s3: secret key for the access key.' }),
  s3Prefix: setting<string>({ env: 'PINKSEA_S3_PREFIX', type: 'string', default: '', doc: 'With PINKSEA_STORAGE=s3: a prefix for every key, to share a bucket (pinksea/).' }),
  imageDelivery: setting<ImageDelivery>({ env: 'PINKSEA_IMAGE_DELIVERY', type: 'enum', options: IMAGE_DELIVERIES, default: 'redirect', doc: 'How an image reaches its owner when the store can sign URLs (S3): redirect answers 302 to a short-lived presigned URL, so the bytes come from the store and not through the API; stream sends them through the API, as the data dir always does.' }),
  signedUrlTtlMs: setting<number>({ env: 'PINKSEA_SIGNED_URL_TTL', type: 'duration', default: 5 * 60_000, doc: 'How long a presigned image URL works (5m, at least 1s and at most 7d); browsers may reuse the redirect to it for most of that time.' }),
  host: setting<string>({ env: 'PINKSEA_HOST', type: 'string', default: '127.0.0.1', doc: 'Address the HTTP server listens on.' }),
  studioBuild: setting<string>({ env: 'PINKSEA_STUDIO_BUILD', type: 'enum', options: ['auto', 'off'], default: 'auto', doc: 'auto: npm start builds the studio first when its build is missing (a minute or two, once); off: never.' }),
  studioDir: setting<string>({ env: 'PINKSEA_STUDIO_DIR', type: 'string', default: 'dist/studio/browser', doc: 'The built studio (npm run studio:build) the API role serves at /; the studio is off when it holds no index.html.' }),
  port: setting<number>({ env: 'PINKSEA_PORT', type: 'integer', min: 0, max: 65535, default: 9090, doc: 'Port of the API (and studio); 0 picks a free one.' }),
  databaseUrl: setting<string>({ env: 'DATABASE_URL', type: 'url', default: '', secret: true, doc: 'External PostgreSQL; when empty, an embedded PostgreSQL starts in the data dir.' }),
  embeddedDatabasePort: setting<number>({ env: 'PINKSEA_EMBEDDED_PG_PORT', type: 'integer', min: 1024, max: 65535, default: 54329, doc: 'Port of the embedded PostgreSQL.' }),
  redisUrl: setting<string>({ env: 'REDIS_URL', type: 'url', default: '', secret: true, doc: 'Redis for the job queue; when empty, BullMQ runs on PostgreSQL.' }),
  namespace: setting<string>({ env: 'PINKSEA_NAMESPACE', type: 'string', default: 'pinksea', doc: 'Broker namespace: processes only see others of the same namespace.' }),
  queueName: setting<string>({ env: 'PINKSEA_QUEUE_NAME', type: 'string', default: 'sessions', doc: 'Name of the job queue that carries items to workers (one per deployment sharing a Redis).' }),
  transporter: setting<string>({ env: 'PINKSEA_TRANSPORTER', type: 'string', default: '', doc: 'Broker transporter between processes (nats://…, redis://…); none when empty.' }),
  jwtSecret: setting<string>({ env: 'PINKSEA_JWT_SECRET', type: 'string', default: '', secret: true, doc: 'Signs access tokens; generated and kept in the data dir when empty.' }),
  accessTokenTtlMs: setting<number>({ env: 'PINKSEA_ACCESS_TOKEN_TTL', type: 'duration', default: 15 * 60_000, doc: 'Lifetime of an access token (15m).' }),
  sessionCheckIntervalMs: setting<number>({ env: 'PINKSEA_SESSION_CHECK_INTERVAL', type: 'duration', default: 5_000, doc: 'How long an API process trusts that a session is still signed in before asking the database again; sign-outs reach every API process at once by a broker event, this bounds the delay if one is missed (5s).' }),
  refreshTokenTtlMs: setting<number>({ env: 'PINKSEA_REFRESH_TOKEN_TTL', type: 'duration', default: 30 * 86_400_000, doc: 'Lifetime of a refresh token (30d).' }),
  adminEmail: setting<string>({ env: 'PINKSEA_ADMIN_EMAIL', type: 'string', default: 'admin@localhost', doc: 'Email of the admin account created on first start.' }),
  adminPassword: setting<string>({ env: 'PINKSEA_ADMIN_PASSWORD', type: 'string', default: '', secret: true, doc: 'Password of that admin; a one-time password is printed when empty.' }),
  maxGenerationPixels: setting<number>({ env: 'PINKSEA_MAX_GENERATION_PIXELS', type: 'integer', min: 64 * 64, default: 2048 * 2048, doc: 'Most pixels (width × height) one generated image may have.' }),
  maxBatchItems: setting<number>({ env: 'PINKSEA_MAX_BATCH_ITEMS', type: 'integer', min: 1, default: 10_000, doc: 'Most queue items one batch may expand to.' }),
  maxGraphNodes: setting<number>({ env: 'PINKSEA_MAX_GRAPH_NODES', type: 'integer', min: 1, default: 10_000, doc: 'Most nodes a graph may have to be validated or enqueued.' }),
  maxGraphEdges: setting<number>({ env: 'PINKSEA_MAX_GRAPH_EDGES', type: 'integer', min: 1, default: 50_000, doc: 'Most edges a graph may have to be validated or enqueued.' }),
  packPaths: setting<string>({ env: 'PINKSEA_PACK_PATHS', type: 'string', default: '', doc: 'Extra node-pack folders to load at start, separated by commas.' }),
  jobLockMs: setting<number>({ env: 'PINKSEA_JOB_LOCK', type: 'duration', default: 30_000, doc: 'How long a worker holds an item without renewing; a killed worker\'s item is free again after it (30s).' }),
  jobStalledCheckMs: setting<number>({ env: 'PINKSEA_JOB_STALLED_CHECK', type: 'duration', default: 15_000, doc: 'How often workers look for items whose worker died (15s).' }),
  maxItemAttempts: setting<number>({ env: 'PINKSEA_MAX_ITEM_ATTEMPTS', type: 'integer', min: 1, max: 20, default: 3, doc: 'Times an item is started before a worker crash fails it.' }),
  workerPool: setting<string>({ env: 'PINKSEA_WORKER_POOL', type: 'enum', options: ['basic', 'performance', 'dedicated'], default: 'basic', doc: 'The pool a worker belongs to (plans map to pools).' }),
  executionProvider: setting<string>({ env: 'PINKSEA_EXECUTION_PROVIDER', type: 'enum', options: ['auto', 'cpu', 'cuda', 'tensorrt'], default: 'auto', doc: 'ONNX Runtime provider for models: auto picks CUDA when a GPU and its libraries are there, else CPU.' }),
  cacheAwareRouting: setting<boolean>({ env: 'PINKSEA_CACHE_AWARE_ROUTING', type: 'boolean', default: true, doc: 'Send an item to the worker of its pool whose model cache already holds its models (when that worker has room), rather than to whichever worker is free first.' }),
  runnerThreadNiceness: setting<number>({ env: 'PINKSEA_RUNNER_THREAD_NICENESS', type: 'integer', min: 0, max: 19, default: 10, doc: 'How much lower than the HTTP server the runner threads are scheduled (a Linux niceness, 0-19): when graphs keep every CPU busy, requests and sockets still go first. 0 schedules them alike.' }),
  runnerThreads: setting<number>({ env: 'PINKSEA_RUNNER_THREADS', type: 'integer', min: 0, max: 64, default: 1, doc: 'In the all role, worker threads that run queue items, each a worker node of its own, so graphs never hold up the HTTP server; 0 runs them on the main thread.' }),
  invocationCacheSize: setting<number>({ env: 'PINKSEA_INVOCATION_CACHE_SIZE', type: 'integer', min: 0, max: 1_000_000, default: 1000, doc: 'Node results a worker keeps per process, so a step run again with the same inputs (and seed) reuses them; results holding images, tensors or conditioning are not kept; 0 turns it off.' }),
  workerConcurrency: setting<number>({ env: 'PINKSEA_WORKER_CONCURRENCY', type: 'integer', min: 1, max: 64, default: 1, doc: 'Queue items a worker runs at once.' }),
  maxUploadBytes: setting<number>({ env: 'PINKSEA_MAX_UPLOAD_BYTES', type: 'integer', min: 1024, default: 32 * 1024 * 1024, doc: 'Largest image upload, in bytes.' }),
  metricsToken: setting<string>({ env: 'PINKSEA_METRICS_TOKEN', type: 'string', default: '', secret: true, doc: 'Bearer token a Prometheus scraper may read GET /api/v1/metrics with; when empty, only admins may.' }),
  modelCacheBytes: setting<number>({ env: 'PINKSEA_MODEL_CACHE_BYTES', type: 'integer', min: 1024 * 1024, default: 8 * 1024 * 1024 * 1024, doc: 'Room of a worker\'s model cache, in bytes (8 GiB); the least recently used unlocked models leave first.' }),
  allowPrivateModelUrls: setting<boolean>({ env: 'PINKSEA_ALLOW_PRIVATE_MODEL_URLS', type: 'boolean', default: false, doc: 'Let model installs fetch URLs whose host is private, loopback or link-local (off: a user could otherwise reach internal services).' }),
  allowPrivateNodeUrls: setting<boolean>({ env: 'PINKSEA_ALLOW_PRIVATE_NODE_URLS', type: 'boolean', default: false, doc: 'Let nodes that fetch URLs (HTTP Request, Image from URL) reach hosts that are private, loopback or link-local; off, no user\'s graph reaches the internal network. Separate from model installs, which admins start.' }),
  maxModelDownloadBytes: setting<number>({ env: 'PINKSEA_MAX_MODEL_DOWNLOAD_BYTES', type: 'integer', min: 1024, default: 32 * 1024 * 1024 * 1024, doc: 'Largest model an install may download, in bytes (32 GiB).' }),
  inlineRunThreads: setting<number>({ env: 'PINKSEA_INLINE_RUN_THREADS', type: 'integer', min: 1, max: 64, default: 1, doc: 'On api processes, threads that run automation graphs with no model node (webhooks, schedules) where they were received, off the HTTP server\'s event loop; each runs many graphs at once.' }),
  secretsKey: setting<string>({ env: 'PINKSEA_SECRETS_KEY', type: 'string', default: '', secret: true, doc: 'Encrypts stored secrets (webhook signing secrets, the credentials vault) with AES-256-GCM; derived from the token-signing secret when empty. Keep it when rotating that secret, or stored secrets can no longer be read.' }),
  schedulerTickMs: setting<number>({ env: 'PINKSEA_SCHEDULER_TICK', type: 'duration', default: 1000, doc: 'How often the active scheduler looks for schedules that are due (1s).' }),
  logLevel: setting<string>({ env: 'PINKSEA_LOG_LEVEL', type: 'enum', options: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'], default: 'info', doc: 'Broker log level.' }),
} satisfies Record<string, SettingSpec<unknown>>;

type Settings = typeof SETTINGS;
export type PinkseaConfig = { readonly [K in keyof Settings]: Settings[K] extends SettingSpec<infer T> ? T : never };

/** Reads the whole configuration; every bad variable is reported at once. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): PinkseaConfig {
  const problems: string[] = [];
  const values = Object.fromEntries(
    Object.entries(SETTINGS).map(([key, spec]) => [key, readSetting(spec as SettingSpec<unknown>, env, problems)]),
  ) as { -readonly [K in keyof PinkseaConfig]: PinkseaConfig[K] };
  values.dataDir = path.resolve(values.dataDir);
  values.studioDir = path.resolve(values.studioDir);
  if (values.storage === 's3' && !values.s3Bucket) problems.push('PINKSEA_S3_BUCKET: expected a bucket name with PINKSEA_STORAGE=s3, got nothing');
  if (values.storage === 's3' && Boolean(values.s3AccessKeyId) !== Boolean(values.s3SecretAccessKey)) {
    problems.push('PINKSEA_S3_ACCESS_KEY_ID and PINKSEA_S3_SECRET_ACCESS_KEY: expected both or neither');
  }
  if (values.signedUrlTtlMs < 1000 || values.signedUrlTtlMs > MAX_SIGNED_URL_TTL_MS) problems.push(`PINKSEA_SIGNED_URL_TTL: expected a duration from 1s to 7d, got ${values.signedUrlTtlMs} ms`);
  if (problems.length > 0) throw new ConfigError(problems);
  return values;
}

/** The settings as a table for `--help` and the README: variable, default, what it does. */
export function describeSettings(): { env: string; default: string; doc: string }[] {
  return Object.values(SETTINGS).map((spec) => ({
    env: spec.env,
    default: spec.default === '' ? '(empty)' : String(spec.default),
    doc: spec.doc,
  }));
}

/** Whether tests that need a real service must fail rather than skip (set by .ci/run). */
export function servicesRequired(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return env['PINKSEA_REQUIRE_SERVICES'] === '1';
}

/** The machine's PostgreSQL, Redis and NATS that integration tests talk to. */
export function testServiceUrls(env: Readonly<Record<string, string | undefined>> = process.env) {
  return {
    postgres: env['DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/test',
    redis: env['REDIS_URL'] || 'redis://127.0.0.1:6379',
    nats: env['NATS_URL'] || 'nats://127.0.0.1:4222',
  };
}

/** This process's environment, for starting child processes (cluster and crash tests) with it. */
export function inheritedEnvironment(): Record<string, string | undefined> {
  return { ...process.env };
}
