/**
 * Copies a data dir's images, models and packs into the configured bucket (`npm run
 * storage:migrate`), for a platform that moves from PINKSEA_STORAGE=local to s3. Each file goes to
 * the key the platform on S3 looks for it under (data-dir-files.ts), so the files are read from
 * their paths, not through the data dir's blob store, whose keys are the paths as they are.
 *
 * Resumable and idempotent: an object already in the bucket with the file's size is skipped, and
 * every copy is one atomic put (a multipart upload is aborted when it fails), so a run stopped at
 * any point leaves whole objects or none, and the next run carries on where it stopped. Files
 * stream from disk to the bucket, never whole in memory. The source is only read.
 */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { addAbortSignal, Transform, type Readable } from 'node:stream';
import type { PinkseaConfig } from '../../config/config';
import { ConfigError } from '../../config/settings';
import { PinkseaError } from '../../engine/errors';
import { formatBytes } from '../../engine/format-bytes';
import type { BlobStore } from './blob-store';
import { createBlobStore } from './blob-store-factory';
import { tarballOfFolder } from '../plugins/pack-tarball';
import { dataDirFiles, STORAGE_AREAS, type StorageArea } from './data-dir-files';
import { installedPackFolders } from './migrate-pack-tarballs';

type StorageConfig = Parameters<typeof createBlobStore>[0] & Pick<PinkseaConfig, 'storage'>;

/** What happened to one file: its path in the data dir, and its key in the bucket (data-dir-files.ts). */
export type FileOutcome =
  | { readonly path: string; readonly key: string; readonly outcome: 'copied' | 'skipped' | 'would-copy'; readonly size: number }
  /** A pack folder with no tarball anywhere, packed into the one the pack host reads (migrate-pack-tarballs.ts). */
  | { readonly path: string; readonly key: string; readonly outcome: 'packed' | 'would-pack'; readonly size: number }
  /** Deleted from the data dir between being listed and being read (the platform is running). */
  | { readonly path: string; readonly key: string; readonly outcome: 'vanished' }
  | { readonly path: string; readonly outcome: 'unsupported'; readonly reason: string };

export interface MigrationProgress {
  /** Files copied, and pack tarballs made and stored. */
  readonly copiedFiles: number;
  /** Bytes sent so far, those of copies still under way included. */
  readonly copiedBytes: number;
  readonly skippedFiles: number;
  readonly skippedBytes: number;
  /** In a dry run: what a real run would copy. */
  readonly plannedFiles: number;
  readonly plannedBytes: number;
  readonly unsupportedFiles: number;
  readonly elapsedMs: number;
}

export interface MigrationReport extends MigrationProgress {
  /** Stopped by the caller's signal before every file was done. */
  readonly interrupted: boolean;
  /** The copy that failed and stopped the run; the files after it were not tried. */
  readonly failure?: { readonly path: string; readonly message: string };
  readonly unsupported: readonly { readonly path: string; readonly reason: string }[];
}

export interface MigrationOptions {
  readonly dataDir: string;
  /** The bucket's store (see migrationTarget). */
  readonly target: BlobStore;
  /** Every area when left out. */
  readonly areas?: readonly StorageArea[];
  /** Look only: say what would be copied, copy nothing. */
  readonly dryRun?: boolean;
  /** Files copied at once (4). */
  readonly concurrency?: number;
  /** Stops the run: no new file is started, and copies under way are abandoned (the bucket keeps none of them). */
  readonly signal?: AbortSignal;
  readonly onFile?: (file: FileOutcome) => void;
  /** Called every `progressIntervalMs` (5 s) while files are copied. */
  readonly onProgress?: (progress: MigrationProgress) => void;
  readonly progressIntervalMs?: number;
}

/** The data dir itself is missing: the settings point somewhere else. */
export class DataDirMissingError extends PinkseaError {
  override readonly name = 'DataDirMissingError';
  constructor(dataDir: string) {
    super('data_dir_missing', `There is no data dir at ${dataDir}; set PINKSEA_DATA_DIR to the folder the platform ran on`, 'user');
  }
}

/** The bucket to migrate into, from the settings; only PINKSEA_STORAGE=s3 names one. */
export function migrationTarget(config: StorageConfig): BlobStore {
  if (config.storage !== 's3') {
    throw new ConfigError([`PINKSEA_STORAGE: expected s3 to copy the data dir into a bucket (with the PINKSEA_S3_* settings of the platform), got "${config.storage}"`]);
  }
  return createBlobStore(config);
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  webp: 'image/webp',
  tgz: 'application/gzip',
  json: 'application/json',
  js: 'text/javascript',
};

/** Copies what the bucket lacks; checks the bucket first (a missing one is named with its setting). */
export async function migrateDataDir(options: MigrationOptions): Promise<MigrationReport> {
  if (!(await stat(options.dataDir).catch(() => undefined))?.isDirectory()) throw new DataDirMissingError(options.dataDir);
  await options.target.check();

  const started = performance.now();
  const counts = { copiedFiles: 0, copiedBytes: 0, skippedFiles: 0, skippedBytes: 0, plannedFiles: 0, plannedBytes: 0, unsupportedFiles: 0 };
  const unsupported: { path: string; reason: string }[] = [];
  let failure: { path: string; message: string } | undefined;
  // Stops the workers taking files: the caller's signal, or the first failed copy.
  const stop = new AbortController();
  const stopped = () => stop.signal.aborted || (options.signal?.aborted ?? false);
  const progress = (): MigrationProgress => ({ ...counts, elapsedMs: performance.now() - started });
  const report = (file: FileOutcome) => options.onFile?.(file);

  const copy = async (file: { readonly path: string; readonly key: string }): Promise<void> => {
    const { key } = file;
    const location = path.join(options.dataDir, ...file.path.split('/'));
    const local = await stat(location).catch(vanished);
    if (!local) return report({ ...file, outcome: 'vanished' });
    const remote = await options.target.head(key);
    if (remote?.size === local.size) {
      counts.skippedFiles += 1;
      counts.skippedBytes += local.size;
      return report({ ...file, outcome: 'skipped', size: local.size });
    }
    if (options.dryRun) {
      counts.plannedFiles += 1;
      counts.plannedBytes += local.size;
      return report({ ...file, outcome: 'would-copy', size: local.size });
    }
    const handle = await open(location, 'r').catch(vanished);
    if (!handle) return report({ ...file, outcome: 'vanished' });
    const body: Readable = handle.createReadStream();
    if (options.signal) addAbortSignal(options.signal, body);
    let sent = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        sent += chunk.byteLength;
        counts.copiedBytes += chunk.byteLength;
        done(null, chunk);
      },
    });
    body.once('error', (error) => meter.destroy(error));
    try {
      const contentType = CONTENT_TYPES[key.slice(key.lastIndexOf('.') + 1).toLowerCase()];
      const { size } = await options.target.put(key, body.pipe(meter), contentType ? { contentType } : {});
      counts.copiedFiles += 1;
      report({ ...file, outcome: 'copied', size });
    } catch (error) {
      counts.copiedBytes -= sent;
      // A put that failed early has not read the file to its end: close it.
      body.destroy();
      throw error;
    }
  };

  const packTarballs = async (): Promise<void> => {
    for await (const pack of installedPackFolders(options.dataDir)) {
      if (stopped()) return;
      try {
        // A tarball the data dir holds is copied with the other files (or listed, in a dry run).
        if ((await options.target.head(pack.key)) || (await stat(path.join(options.dataDir, ...pack.key.split('/'))).catch(vanished))) continue;
        const tarball = await tarballOfFolder(path.join(options.dataDir, ...pack.path.split('/')));
        if (options.dryRun) {
          counts.plannedFiles += 1;
          counts.plannedBytes += tarball.byteLength;
          report({ path: pack.path, key: pack.key, outcome: 'would-pack', size: tarball.byteLength });
          continue;
        }
        await options.target.put(pack.key, tarball, { contentType: 'application/gzip' });
        counts.copiedFiles += 1;
        counts.copiedBytes += tarball.byteLength;
        report({ path: pack.path, key: pack.key, outcome: 'packed', size: tarball.byteLength });
      } catch (error) {
        if (!options.signal?.aborted) failure ??= { path: pack.path, message: describeError(error) };
        return;
      }
    }
  };

  const areas = options.areas ?? STORAGE_AREAS;
  const files = dataDirFiles(options.dataDir, areas)[Symbol.asyncIterator]();
  const worker = async (): Promise<void> => {
    while (!stopped()) {
      // Async generators queue concurrent next() calls, so each file goes to one worker.
      const next = await files.next();
      if (next.done) return;
      const file = next.value;
      if (file.kind === 'unsupported') {
        counts.unsupportedFiles += 1;
        unsupported.push({ path: file.path, reason: file.reason });
        report({ path: file.path, outcome: 'unsupported', reason: file.reason });
        continue;
      }
      try {
        await copy(file);
      } catch (error) {
        if (options.signal?.aborted) return;
        failure ??= { path: file.path, message: describeError(error) };
        stop.abort();
      }
    }
  };

  const timer = options.onProgress ? setInterval(() => options.onProgress?.(progress()), options.progressIntervalMs ?? 5000) : undefined;
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
    if (!stopped() && areas.includes('packs')) await packTarballs();
  } finally {
    clearInterval(timer);
  }
  return { ...progress(), interrupted: (options.signal?.aborted ?? false) && !failure, unsupported, ...(failure ? { failure } : {}) };
}

/** An error's message, with its cause's where the message leaves it out (storage errors keep the cause for the log). */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error && !error.message.includes(error.cause.message) ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}

/** Undefined for a file that is gone (ENOENT); anything else is rethrown. */
function vanished(error: unknown): undefined {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  throw error;
}

/** One line for people: "copied 120 files (3.4 MB), skipped 30 files (1 MB) in 12 s". */
export function describeProgress(progress: MigrationProgress, options: { readonly dryRun?: boolean } = {}): string {
  const files = (count: number) => `${count} file${count === 1 ? '' : 's'}`;
  const parts = [
    options.dryRun ? `would copy ${files(progress.plannedFiles)} (${formatBytes(progress.plannedBytes)})` : `copied ${files(progress.copiedFiles)} (${formatBytes(progress.copiedBytes)})`,
    `skipped ${files(progress.skippedFiles)} already in the bucket (${formatBytes(progress.skippedBytes)})`,
  ];
  if (progress.unsupportedFiles > 0) parts.push(`${files(progress.unsupportedFiles)} not copyable`);
  const seconds = progress.elapsedMs / 1000;
  const rate = !options.dryRun && seconds > 0 ? `, ${formatBytes(progress.copiedBytes / seconds)}/s` : '';
  return `${parts.join(', ')} in ${seconds.toFixed(seconds < 10 ? 1 : 0)} s${rate}`;
}
