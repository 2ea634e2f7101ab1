/**
 * The model manager: lists, reads, renames and deletes model records as their viewers may, and
 * installs models as jobs. An install (a local path, admins only, or an http(s) URL) runs in the
 * background: queued → downloading → probing → completed, or failed / canceled; each change and
 * the download's progress go out as events to the user who started it. What arrived is verified
 * (bytes > 0, hashed while streaming, probed as a model) before a record is written; a failed or
 * canceled install leaves no files behind. Files go under `<dataDir>/models/<key>/`, and, before
 * the record says the model is there, into the blob store under `models/<key>/` (in the same
 * layout), where workers on other machines fetch them; when the store is this data dir they
 * already lie there and nothing is copied.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { PinkseaError, type ErrorInfo } from '../../engine/errors';
import type { AuthUser } from '../kernel/auth-middleware';
import type { BlobStore } from '../storage/blob-store';
import { deletePrefix, localPathOfKey, putFolder } from '../storage/blob-folders';
import type { Page, PageRequest } from '../kernel/request-params';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../kernel/service-errors';
import { copyLocalModel, downloadModel, type FetchedModel } from './model-download';
import { modelKeyPrefix } from './model-file-source';
import type { ModelChanges, ModelFilter, ModelRecord, ModelRecords } from './model-records';
import { probeModel } from './onnx-probe';
import { checkUrl, type Lookup } from '../../nodes/sdk/url-guard';
import { scanModelFolder, type ScannedModel } from './model-scan';
import type { InstallJob, InstallStatus, ModelEventSink } from './model-events';

export interface InstallRequest {
  readonly source: string;
  readonly name?: string;
  readonly description?: string;
  /** Shared with every user; admins only. */
  readonly shared?: boolean;
}

export interface ModelManagerOptions {
  readonly records: ModelRecords;
  readonly dataDir: string;
  /** Where workers that share no disk with this process get the files. */
  readonly blobs: BlobStore;
  readonly allowPrivateUrls: boolean;
  readonly maxDownloadBytes: number;
  readonly events: ModelEventSink;
  readonly lookup?: Lookup;
  /** Least time between two progress events of one job. */
  readonly progressIntervalMs?: number;
}

type Caller = Pick<AuthUser, 'id' | 'role'>;

interface RunningJob {
  job: InstallJob;
  readonly ownerId: string;
  readonly abort: AbortController;
  lastProgressAt: number;
  done?: Promise<void>;
}

/** Finished jobs kept for GET /models/jobs/:id, oldest dropped first. */
const KEPT_JOBS = 1000;

export class ModelManager {
  private readonly jobs = new Map<string, RunningJob>();

  constructor(private readonly options: ModelManagerOptions) {}

  /** What models lie in a folder on the server (admins only, as installs from a path are). */
  async scan(caller: Caller, folder: string): Promise<ScannedModel[]> {
    if (caller.role !== 'admin') throw new ForbiddenError('Only admins may scan folders on the server');
    return scanModelFolder(folder, async (sources) => new Map((await this.options.records.findSharedBySource(sources)).map((record) => [record.source, record.key])));
  }

  list(caller: Caller, filter: ModelFilter, page: PageRequest): Promise<Page<ModelRecord>> {
    return this.options.records.listVisible(caller.id, filter, page);
  }

  async get(caller: Caller, key: string): Promise<ModelRecord> {
    const record = caller.role === 'admin' ? await this.options.records.find(key) : await this.options.records.findVisible(caller.id, key);
    if (!record) throw new NotFoundError('model', key);
    return record;
  }

  async update(caller: Caller, key: string, changes: ModelChanges): Promise<ModelRecord> {
    await this.mayChange(caller, key);
    const record = await this.options.records.update(key, changes);
    if (!record) throw new NotFoundError('model', key);
    return record;
  }

  async remove(caller: Caller, key: string): Promise<void> {
    const record = await this.mayChange(caller, key);
    if (!(await this.options.records.delete(key))) throw new NotFoundError('model', key);
    // Only files the manager installed; models registered in place (starter models) stay.
    if (path.isAbsolute(record.path)) return;
    // The record is gone, so no worker asks for the objects again: one left behind by a store
    // that failed now costs space, not correctness, and is not worth failing the delete for.
    if (!this.storeIsDataDir) await deletePrefix(this.options.blobs, modelKeyPrefix(record.key)).catch(() => undefined);
    await rm(this.folderOf(record.key), { recursive: true, force: true });
  }

  /** Accepts an install and starts it in the background; refusals (rights, URL) come back at once. */
  async install(caller: Caller, request: InstallRequest): Promise<InstallJob> {
    if (request.shared && caller.role !== 'admin') throw new ForbiddenError('Only admins may install shared models');
    const isUrl = /^[a-z][a-z0-9+.-]*:/i.test(request.source) && !path.isAbsolute(request.source);
    if (isUrl) await checkUrl(request.source, { allowPrivate: this.options.allowPrivateUrls, lookup: this.options.lookup, field: 'source' });
    else if (caller.role !== 'admin') throw new ForbiddenError('Only admins may install from a path on the server; give an http(s) URL');
    else if (!path.isAbsolute(request.source)) throw new InvalidInputError([{ code: 'invalid_value', field: 'source', message: 'Give an absolute path on the server or an http(s) URL' }]);

    const now = new Date().toISOString();
    const running: RunningJob = {
      job: { id: crypto.randomUUID(), source: request.source, status: 'queued', bytes: 0, totalBytes: null, error: null, modelKey: null, createdAt: now, updatedAt: now },
      ownerId: caller.id,
      abort: new AbortController(),
      lastProgressAt: 0,
    };
    this.remember(running);
    this.options.events.emit(caller.id, 'model_install_status_changed', running.job);
    running.done = this.run(running, caller, request, isUrl);
    return running.job;
  }

  job(caller: Caller, id: string): InstallJob {
    return this.visibleJob(caller, id).job;
  }

  cancel(caller: Caller, id: string): InstallJob {
    const running = this.visibleJob(caller, id);
    if (!isFinished(running.job.status)) {
      running.abort.abort();
      this.set(running, { status: 'canceled', error: { code: 'canceled', kind: 'user', message: 'The install was canceled' } });
    }
    return running.job;
  }

  /** Cancels every unfinished install and waits for them to clean up (service stop). */
  async close(): Promise<void> {
    const running = [...this.jobs.values()].filter((entry) => !isFinished(entry.job.status));
    for (const entry of running) {
      entry.abort.abort();
      this.set(entry, { status: 'canceled', error: { code: 'canceled', kind: 'user', message: 'The server stopped during the install' } });
    }
    await Promise.all(running.map((entry) => entry.done));
  }

  /** Waits for a job to finish (specs, scripts). */
  async settled(id: string): Promise<InstallJob> {
    const running = this.jobs.get(id);
    await running?.done;
    return running?.job ?? Promise.reject(new NotFoundError('install job', id));
  }

  private async run(running: RunningJob, caller: Caller, request: InstallRequest, isUrl: boolean): Promise<void> {
    const key = crypto.randomUUID();
    const folder = this.folderOf(key);
    const signal = running.abort.signal;
    let stored = false;
    try {
      await mkdir(folder, { recursive: true });
      this.set(running, { status: 'downloading' });
      const onProgress = (bytes: number, totalBytes: number | null) => this.progress(running, bytes, totalBytes);
      const fetched: FetchedModel = isUrl
        ? await downloadModel(request.source, folder, { allowPrivate: this.options.allowPrivateUrls, maxBytes: this.options.maxDownloadBytes, signal, onProgress, lookup: this.options.lookup })
        : await copyLocalModel(request.source, folder, { signal, onProgress });
      signal.throwIfAborted();
      this.set(running, { status: 'probing', bytes: fetched.sizeBytes, totalBytes: fetched.sizeBytes });
      const probe = await probeModel(fetched.location);
      signal.throwIfAborted();
      // Durably in the store before the record names it, so no worker looks for files that are not there.
      if (!this.storeIsDataDir) {
        stored = true;
        await putFolder(this.options.blobs, folder, modelKeyPrefix(key), { signal });
      }
      signal.throwIfAborted();
      const record = await this.options.records.insert({
        key,
        name: (request.name ?? path.basename(fetched.location).replace(/\.onnx$/i, '')).slice(0, 200) || 'model',
        base: probe.base,
        type: probe.type,
        format: probe.format,
        source: request.source,
        path: path.relative(this.options.dataDir, fetched.location),
        sizeBytes: fetched.sizeBytes,
        hash: fetched.hash,
        description: request.description ?? '',
        ownerId: request.shared ? null : caller.id,
        metadata: { graphs: probe.graphs },
      });
      if (signal.aborted) {
        await this.options.records.delete(record.key);
        throw signal.reason;
      }
      this.set(running, { status: 'completed', modelKey: record.key });
    } catch (error) {
      if (stored) await deletePrefix(this.options.blobs, modelKeyPrefix(key)).catch(() => undefined);
      await rm(folder, { recursive: true, force: true });
      if (!isFinished(running.job.status)) this.set(running, { status: 'failed', error: errorInfoOf(error) });
    }
  }

  private progress(running: RunningJob, bytes: number, totalBytes: number | null): void {
    running.job = { ...running.job, bytes, totalBytes };
    const now = Date.now();
    if (now - running.lastProgressAt < (this.options.progressIntervalMs ?? 250) && bytes !== totalBytes) return;
    running.lastProgressAt = now;
    running.job = { ...running.job, updatedAt: new Date(now).toISOString() };
    this.options.events.emit(running.ownerId, 'model_install_progress', running.job);
  }

  private set(running: RunningJob, changes: Partial<InstallJob>): void {
    running.job = { ...running.job, ...changes, updatedAt: new Date().toISOString() };
    this.options.events.emit(running.ownerId, 'model_install_status_changed', running.job);
  }

  private visibleJob(caller: Caller, id: string): RunningJob {
    const running = this.jobs.get(id);
    if (!running || (running.ownerId !== caller.id && caller.role !== 'admin')) throw new NotFoundError('install job', id);
    return running;
  }

  private async mayChange(caller: Caller, key: string): Promise<ModelRecord> {
    const record = await this.get(caller, key);
    if (caller.role !== 'admin' && record.ownerId !== caller.id) throw new ForbiddenError('Only admins may change or delete a shared model');
    return record;
  }

  private remember(running: RunningJob): void {
    this.jobs.set(running.job.id, running);
    for (const [id, entry] of this.jobs) {
      if (this.jobs.size <= KEPT_JOBS) break;
      if (isFinished(entry.job.status)) this.jobs.delete(id);
    }
  }

  private folderOf(key: string): string {
    return path.join(this.options.dataDir, 'models', key);
  }

  /** The store is this data dir (PINKSEA_STORAGE=local): installed files already lie at their keys. */
  private get storeIsDataDir(): boolean {
    return localPathOfKey(this.options.blobs, 'models') === path.resolve(this.options.dataDir, 'models');
  }
}

const isFinished = (status: InstallStatus) => status === 'completed' || status === 'failed' || status === 'canceled';

function errorInfoOf(error: unknown): ErrorInfo {
  if (error instanceof PinkseaError) return error.toInfo();
  return { code: 'install_failed', kind: 'internal', message: `The install failed: ${error instanceof Error ? error.message : String(error)}` };
}
