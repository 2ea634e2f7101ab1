/**
 * What the OCR and ONNX specs share: the packaged PP-OCR models served through a memory model
 * loader (each loaded once per process), and text rendered with sharp.
 */
import path from 'node:path';
import type { ImageRef, ModelInfo } from '@pinksea/node-sdk';
import { MemoryContextHost, type MemoryModel } from '@pinksea/node-sdk/testing';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { OCR_ASSETS, OCR_MODEL_TYPES } from './ocr-models';

const FILES = {
  'ocr-det': ['ch_PP-OCRv4_det_infer.onnx', OCR_MODEL_TYPES.detection],
  'ocr-rec': ['ch_PP-OCRv4_rec_infer.onnx', OCR_MODEL_TYPES.recognition],
  'ocr-cls': ['ch_ppocr_mobile_v2.0_cls_infer.onnx', OCR_MODEL_TYPES.classifier],
} as const;

const sessions = new Map<string, Promise<ort.InferenceSession>>();

export function modelPath(key: keyof typeof FILES): string {
  return path.join(OCR_ASSETS, FILES[key][0]);
}

function packaged(key: keyof typeof FILES): MemoryModel {
  const [file, type] = FILES[key];
  const info: ModelInfo = { key, name: file, base: 'pp-ocr', type, format: 'onnx', sizeBytes: 0 };
  return {
    info,
    load: () => {
      if (!sessions.has(key)) sessions.set(key, ort.InferenceSession.create(modelPath(key)));
      return sessions.get(key)!;
    },
  };
}

/** A host whose models are the packaged OCR models, under keys ocr-det, ocr-rec and ocr-cls, plus any extra. */
export function ocrHost(extra: readonly MemoryModel[] = []): MemoryContextHost {
  const models = new Map<string, MemoryModel>();
  for (const key of Object.keys(FILES) as (keyof typeof FILES)[]) models.set(key, packaged(key));
  for (const model of extra) models.set(model.info.key, model);
  return new MemoryContextHost(models);
}

/** Black text in DejaVu Sans on white, centered. */
export function renderText(text: string, options: { width?: number; height?: number; size?: number; angle?: number } = {}) {
  const { width = 640, height = 160, size = 64, angle = 0 } = options;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="white"/>` +
    `<text x="50%" y="50%" font-family="DejaVu Sans" font-size="${size}" text-anchor="middle" dominant-baseline="central" ` +
    `transform="rotate(${angle} ${width / 2} ${height / 2})">${text}</text></svg>`;
  return sharp(Buffer.from(svg)).png();
}

export async function storeRendered(host: MemoryContextHost, image: sharp.Sharp): Promise<ImageRef> {
  const { data, info } = await image.toBuffer({ resolveWithObject: true });
  return host.images.save({ data, format: 'png', width: info.width, height: info.height, intermediate: false });
}
