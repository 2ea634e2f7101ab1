/**
 * The models a node sees on a worker (engine ModelLoader): records visible to the item's owner,
 * loaded through this worker's cache. ONNX models load as onnxruntime InferenceSessions (on the
 * model thread, when one is given, so loading never blocks the event loop); an SD folder's
 * sub-model is chosen by `ref.submodel`. One loader serves one invocation and holds its
 * leases until `release()`, which the session host calls when the node returns. Where a model's
 * files lie on this worker is the model file source's question (it may fetch them first).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { NodeError } from '../../engine/errors';
import type { ModelInfo, ModelLoader } from '../../engine/node-context';
import type { ModelRef } from '../../engine/fields/field-types';
import type { ModelCache, ModelLease } from './model-cache';
import { localModelFiles, type ModelFileSource } from './model-file-source';
import type { ModelRecord, ModelRecordReader } from './model-records';
import { InvalidModelError, SD_ONNX_SUBMODELS } from './onnx-probe';
import type { SessionThread } from './session-thread';

export interface InvocationModelLoader extends ModelLoader {
  /** Ends this invocation's leases; idempotent. */
  release(): void;
}

export interface WorkerModelLoaderOptions {
  readonly records: ModelRecordReader;
  readonly cache: ModelCache<unknown>;
  readonly ownerId: string;
  /** Where relative record paths start. */
  readonly dataDir: string;
  /** Finds (or fetches) a model's files; the data dir as it is when absent. */
  readonly files?: ModelFileSource;
  /** The ONNX Runtime execution provider this worker uses ('cpu' by default). */
  readonly provider?: string;
  /** Where sessions live; on this thread when absent (specs). */
  readonly sessions?: SessionThread;
}

export function createWorkerModelLoader(options: WorkerModelLoaderOptions): InvocationModelLoader {
  const leases: ModelLease<unknown>[] = [];
  const files = options.files ?? localModelFiles(options.dataDir);
  let released = false;

  const recordOf = async (ref: ModelRef): Promise<ModelRecord> => {
    const record = await options.records.findVisible(options.ownerId, ref.key);
    if (!record) throw new NodeError('model_not_found', `There is no model with key "${ref.key}" installed`, { field: 'model' });
    if (ref.type !== undefined && ref.type !== record.type) {
      throw new NodeError('wrong_model_type', `Model "${record.name}" is a ${record.type} model; this field takes ${ref.type}`, { field: 'model' });
    }
    return record;
  };

  return {
    async info(ref) {
      const record = await recordOf(ref);
      const info: ModelInfo = { key: record.key, name: record.name, base: record.base, type: record.type, format: record.format, sizeBytes: record.sizeBytes };
      return info;
    },
    async load<T>(ref: ModelRef): Promise<T> {
      if (released) throw new NodeError('model_released', 'Models can only be loaded while the node runs', { field: 'model' });
      const record = await recordOf(ref);
      if (record.format !== 'onnx') throw new NodeError('unsupported_model_format', `Model "${record.name}" is in format ${record.format}, which this worker cannot load`, { field: 'model' });
      const inFolder = onnxFileOf(record, ref);
      const cacheKey = ref.submodel ? `${record.key}/${ref.submodel}` : record.key;
      // A model the cache holds needs no look at its file: the size is only for a new load.
      let file: string | undefined;
      let sizeBytes = 0;
      if (!options.cache.has(cacheKey)) {
        file = path.join(await files.locate(record), ...inFolder);
        const found = (await stat(file).catch(() => undefined))?.size;
        if (found === undefined) throw new NodeError('model_not_found', `The files of model "${record.name}" are missing on this worker`, { field: 'model' });
        sizeBytes = found;
      }
      const lease = await options.cache.acquire(cacheKey, sizeBytes, async () => {
        file ??= path.join(await files.locate(record), ...inFolder);
        try {
          if (options.sessions) return await options.sessions.load(file, options.provider ?? 'cpu');
          return await InferenceSession.create(file, { executionProviders: [options.provider ?? 'cpu'] });
        } catch (error) {
          throw new InvalidModelError(`Model "${record.name}" could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
        }
      });
      if (released) {
        lease.release();
        throw new NodeError('model_released', 'Models can only be loaded while the node runs', { field: 'model' });
      }
      leases.push(lease);
      return lease.model as T;
    },
    async readFile(ref, relativePath) {
      const record = await recordOf(ref);
      const notInModel = () => new NodeError('model_file_not_found', `Model "${record.name}" has no file "${relativePath}"`, { field: 'model' });
      if (record.type !== 'main' || path.isAbsolute(relativePath)) throw notInModel();
      const root = path.resolve(await files.locate(record));
      const file = path.resolve(root, relativePath);
      if (!file.startsWith(root + path.sep)) throw notInModel();
      try {
        return await readFile(file);
      } catch {
        throw new NodeError('model_file_not_found', `Model "${record.name}" is missing its file "${relativePath}" on this worker`, { field: 'model' });
      }
    },
    release() {
      released = true;
      for (const lease of leases.splice(0)) lease.release();
    },
  };
}

/** The ONNX file of a record within its location: the file itself, or a sub-model's model.onnx in an SD folder. */
function onnxFileOf(record: ModelRecord, ref: ModelRef): string[] {
  if (record.type !== 'main') return [];
  const submodel = ref.submodel ?? 'unet';
  if (!(SD_ONNX_SUBMODELS as readonly string[]).includes(submodel)) {
    throw new NodeError('invalid_value', `"${submodel}" is not a part of model "${record.name}"; choose one of ${SD_ONNX_SUBMODELS.join(', ')}`, { field: 'model' });
  }
  return [submodel, 'model.onnx'];
}

/** Frees an evicted InferenceSession's native memory. */
export function disposeLoadedModel(model: unknown): unknown {
  const release = (model as { release?: unknown } | null)?.release;
  return typeof release === 'function' ? (release as () => unknown).call(model) : undefined;
}
