/**
 * Where a worker finds a model's files. On one machine they lie where the record says (the data dir,
 * or a starter model's npm package). A worker of a cluster that shares no disk lacks the files of a
 * model installed elsewhere: it fetches them from the blob store (`models/<key>/…`, put there by the
 * install) into its cache folder `<dataDir>/model-cache/<key>/`, before the model cache loads them.
 *
 * A fetch writes into a folder aside, checks the bytes against the record (size as they stream,
 * then the BLAKE3 hash), and only then renames the folder into place: a failed or mismatching fetch
 * leaves nothing in the cache folder. Concurrent requests for one model share one fetch.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { NodeError, PinkseaError } from '../../engine/errors';
import { formatBytes } from '../../engine/format-bytes';
import { BlobTooLargeError, type BlobStore } from '../storage/blob-store';
import { blobKeyOfPath, fetchKeys, keysUnder } from '../storage/blob-folders';
import { ModelTooLargeError } from './model-cache';
import { createModelHash, folderHashOf, hashText, type StreamingHash } from './model-hash';
import type { ModelRecord } from './model-records';
import { PACKAGED_OCR_MODELS } from './starter-models';

export interface ModelFileSource {
  /** The record's file or folder on this node (fetched first where this node lacks it). */
  locate(record: ModelRecord): Promise<string>;
}

/** The folder, under a data dir, of models fetched from the store. */
export const MODEL_CACHE_FOLDER = 'model-cache';

/** The blob keys of an installed model's files start with this. */
export const modelKeyPrefix = (key: string): string => `models/${key}/`;

/**
 * Files as they lie on this machine: the record's path under the data dir, or, for a model an npm
 * package ships (registered by its absolute path on the node that registered it), the package here.
 */
export function localModelFiles(dataDir: string): ModelFileSource {
  return { locate: (record) => localPathOf(record, dataDir) };
}

/** Events of fetches, one map from name to payload (CONVENTIONS §15). */
export interface ModelFetchEventMap {
  model_fetch_started: { readonly key: string; readonly name: string; readonly totalBytes: number; readonly files: number };
  model_fetch_progress: { readonly key: string; readonly bytes: number; readonly totalBytes: number };
  model_fetch_completed: { readonly key: string; readonly bytes: number; readonly durationMs: number };
  model_fetch_failed: { readonly key: string; readonly message: string };
}

export type ModelFetchEvent = { [K in keyof ModelFetchEventMap]: { readonly name: K; readonly payload: ModelFetchEventMap[K] } }[keyof ModelFetchEventMap];

export interface StoredModelFilesOptions {
  readonly dataDir: string;
  readonly blobs: BlobStore;
  /** Largest file fetched: the room of this worker's model cache (a larger one could never load). */
  readonly maxFileBytes: number;
  readonly onEvent?: (event: ModelFetchEvent) => void;
  /** Least time between two progress events of one fetch. */
  readonly progressIntervalMs?: number;
}

export class StoredModelFiles implements ModelFileSource {
  private readonly fetching = new Map<string, Promise<string>>();

  constructor(private readonly options: StoredModelFilesOptions) {}

  async locate(record: ModelRecord): Promise<string> {
    // Fetched (or being fetched) by this process: no need to look at the disk first.
    const known = this.fetching.get(record.key);
    if (known) {
      const location = await known;
      if (await exists(location)) return location;
    }
    const local = await localPathOf(record, this.options.dataDir);
    if (await exists(local)) return local;
    const stored = storedPathOf(record);
    if (stored === undefined) return local;
    const cached = path.join(this.cacheDir, record.key, ...stored.split('/'));
    if (await exists(cached)) return cached;
    let fetch = this.fetching.get(record.key);
    // None yet, or the one known above whose files have gone since: fetch (again).
    if (!fetch || fetch === known) {
      const started = this.fetch(record, stored);
      // Successes stay (a path per model); a failure is forgotten, so the next load tries again.
      started.catch(() => this.fetching.get(record.key) === started && this.fetching.delete(record.key));
      this.fetching.set(record.key, (fetch = started));
    }
    return fetch;
  }

  private get cacheDir(): string {
    return path.join(this.options.dataDir, MODEL_CACHE_FOLDER);
  }

  private async fetch(record: ModelRecord, stored: string): Promise<string> {
    const { blobs } = this.options;
    const prefix = modelKeyPrefix(record.key);
    const fileKey = blobKeyOfPath(prefix, stored);
    let objects: { key: string; size: number }[];
    try {
      objects = (await keysUnder(blobs, fileKey)).filter((object) => object.key === fileKey || object.key.startsWith(`${fileKey}/`));
    } catch (error) {
      throw unreachable(record, blobs, error);
    }
    if (objects.length === 0) throw new NodeError('model_not_found', `The files of model "${record.name}" are missing on this worker and in storage (${blobs.description})`, { field: 'model' });
    const totalBytes = objects.reduce((sum, object) => sum + object.size, 0);
    if (totalBytes !== record.sizeBytes) throw mismatch(record, `${formatBytes(totalBytes)} are stored, the record says ${formatBytes(record.sizeBytes)}`);
    const largest = Math.max(...objects.map((object) => object.size));
    if (largest > this.options.maxFileBytes) throw new ModelTooLargeError(record.name, largest, this.options.maxFileBytes);

    const started = performance.now();
    this.emit({ name: 'model_fetch_started', payload: { key: record.key, name: record.name, totalBytes, files: objects.length } });
    const partial = path.join(this.cacheDir, `.partial-${record.key}-${randomBytes(6).toString('hex')}`);
    const hashes = new Map<string, StreamingHash>();
    let bytes = 0;
    let reportedAt = 0;
    try {
      await mkdir(partial, { recursive: true });
      const fetched = await fetchKeys(blobs, prefix, objects.map((object) => object.key), partial, {
        maxBytes: record.sizeBytes,
        observe: (relative, chunk) => {
          let hash = hashes.get(relative);
          if (!hash) hashes.set(relative, (hash = createModelHash()));
          hash.update(chunk);
          bytes += chunk.byteLength;
          const now = performance.now();
          if (now - reportedAt < (this.options.progressIntervalMs ?? 1000) && bytes !== totalBytes) return;
          reportedAt = now;
          this.emit({ name: 'model_fetch_progress', payload: { key: record.key, bytes, totalBytes } });
        },
      });
      const hashOf = (relative: string) => hashText(hashes.get(relative) ?? createModelHash());
      const isFile = fetched.length === 1 && fetched[0]!.key === fileKey;
      const hash = isFile ? hashOf(stored) : folderHashOf(fetched.map((file) => ({ path: file.path.slice(stored.length + 1), hash: hashOf(file.path) })));
      if (hash !== record.hash) throw mismatch(record, `their hash is ${hash}, the record's ${record.hash}`);
      await this.place(partial, path.join(this.cacheDir, record.key));
      this.emit({ name: 'model_fetch_completed', payload: { key: record.key, bytes, durationMs: performance.now() - started } });
      return path.join(this.cacheDir, record.key, ...stored.split('/'));
    } catch (error) {
      await rm(partial, { recursive: true, force: true });
      const failure = error instanceof BlobTooLargeError ? mismatch(record, `more than the ${formatBytes(record.sizeBytes)} the record says are stored`) : error instanceof NodeError ? error : unreachable(record, blobs, error);
      this.emit({ name: 'model_fetch_failed', payload: { key: record.key, message: failure.message } });
      throw failure;
    }
  }

  /** Renames the checked folder into place; another process of this data dir may have placed it first. */
  private async place(partial: string, target: string): Promise<void> {
    try {
      await rename(partial, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      await rm(partial, { recursive: true, force: true });
    }
  }

  private emit(event: ModelFetchEvent): void {
    this.options.onEvent?.(event);
  }
}

/**
 * The path of a record's files below `models/<key>/` (where installs put them, and so what the
 * store holds), `/`-separated; undefined for models registered in place (starter models, which every
 * node has or builds itself).
 */
function storedPathOf(record: ModelRecord): string | undefined {
  if (path.isAbsolute(record.path)) return undefined;
  const parts = record.path.split(/[\\/]/);
  if (parts.length < 3 || parts[0] !== 'models' || parts[1] !== record.key || parts.some((part) => part === '' || part === '.' || part === '..')) return undefined;
  return parts.slice(2).join('/');
}

async function localPathOf(record: ModelRecord, dataDir: string): Promise<string> {
  const location = path.resolve(dataDir, record.path);
  if (!path.isAbsolute(record.path) || (await exists(location))) return location;
  // A packaged model lies in this node's node_modules, wherever the node that registered it had it.
  const packaged = PACKAGED_OCR_MODELS.find((model) => model.source === record.source);
  return packaged?.path ?? location;
}

async function exists(location: string): Promise<boolean> {
  return (await stat(location).catch(() => undefined)) !== undefined;
}

function mismatch(record: ModelRecord, detail: string): NodeError {
  // Retrying fetches the same bytes: not transient, and not the user's doing.
  return new NodeError('model_hash_mismatch', `The files of model "${record.name}" in storage do not match its hash: ${detail}`, { field: 'model', kind: 'internal' });
}

function unreachable(record: ModelRecord, blobs: BlobStore, error: unknown): NodeError {
  const reason = error instanceof PinkseaError || error instanceof Error ? error.message : String(error);
  return new NodeError('model_fetch_failed', `The files of model "${record.name}" could not be fetched from storage (${blobs.description}): ${reason}`, { field: 'model', kind: 'transient' });
}
