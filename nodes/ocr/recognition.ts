/**
 * Text recognition as PaddleOCR does it: each detected box cut out upright (tall boxes turned a
 * quarter), optionally turned half a turn when the orientation classifier is sure it is upside
 * down, resized to 48 pixels high with its aspect kept, and read by the CTC model, decoded
 * greedily: the best class per column, repeats merged, blanks dropped.
 */
import type { Pixels } from '@pinksea/nodes-image/image-io';
import * as ort from 'onnxruntime-node';
import type { TextBox } from './detection';
import type { Point } from './min-area-rect';
import { resizeRgb, toBgrTensor } from './ocr-image';
import type { Alphabet } from './ocr-models';

const HALF = [0.5, 0.5, 0.5];
const LINE_HEIGHT = 48;
/** PaddleOCR pads recognition input to at least 320 wide and the classifier's to 192. */
const MIN_LINE_WIDTH = 320;
const CLASSIFIER_WIDTH = 192;
const MAX_LINE_WIDTH = 4096;
const UPSIDE_DOWN_CONFIDENCE = 0.9;

export interface Reading {
  readonly text: string;
  readonly score: number;
}

/** The box's pixels, straightened: the box's top edge becomes the crop's top row. */
export function cropBox(image: Pixels, box: TextBox['box']): Pixels {
  let [tl, tr, , bl] = box;
  if (distance(tl, bl) >= 1.5 * distance(tl, tr)) [tl, tr, bl] = [box[1], box[2], box[0]];
  const width = Math.max(1, Math.round(distance(tl, tr)));
  const height = Math.max(1, Math.round(distance(tl, bl)));
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const u = (x + 0.5) / width;
      const v = (y + 0.5) / height;
      const sx = tl.x + u * (tr.x - tl.x) + v * (bl.x - tl.x) - 0.5;
      const sy = tl.y + u * (tr.y - tl.y) + v * (bl.y - tl.y) - 0.5;
      for (let channel = 0; channel < 3; channel += 1) data[(y * width + x) * 3 + channel] = sample(image, sx, sy, channel);
    }
  }
  return { data, width, height, channels: 3 };
}

/** Turns an upside-down crop the right way up when the classifier is sure. */
export async function orient(session: ort.InferenceSession, crop: Pixels): Promise<Pixels> {
  const width = Math.min(CLASSIFIER_WIDTH, Math.max(1, Math.ceil((LINE_HEIGHT * crop.width) / crop.height)));
  const resized = await resizeRgb(crop, width, LINE_HEIGHT);
  const input = new ort.Tensor('float32', toBgrTensor(resized, HALF, HALF, CLASSIFIER_WIDTH), [1, 3, LINE_HEIGHT, CLASSIFIER_WIDTH]);
  const result = await session.run({ [session.inputNames[0]!]: input });
  const [upright, upsideDown] = result[session.outputNames[0]!]!.data as Float32Array;
  if (!(upsideDown! > upright! && upsideDown! > UPSIDE_DOWN_CONFIDENCE)) return crop;
  const data = Buffer.alloc(crop.data.length);
  const pixels = crop.width * crop.height;
  for (let pixel = 0; pixel < pixels; pixel += 1) crop.data.copy(data, (pixels - 1 - pixel) * 3, pixel * 3, pixel * 3 + 3);
  return { ...crop, data };
}

export async function recognize(session: ort.InferenceSession, crop: Pixels, alphabet: Alphabet): Promise<Reading> {
  const width = Math.min(MAX_LINE_WIDTH, Math.max(1, Math.ceil((LINE_HEIGHT * crop.width) / crop.height)));
  const resized = await resizeRgb(crop, width, LINE_HEIGHT);
  const padded = Math.max(MIN_LINE_WIDTH, width);
  const input = new ort.Tensor('float32', toBgrTensor(resized, HALF, HALF, padded), [1, 3, LINE_HEIGHT, padded]);
  const result = await session.run({ [session.inputNames[0]!]: input });
  const output = result[session.outputNames[0]!]!;
  const [steps, classes] = output.dims.slice(-2) as [number, number];
  return decodeCtc(output.data as Float32Array, steps, classes, alphabet);
}

/** Greedy CTC decoding of `steps` × `classes` probabilities; the score is the mean probability of the kept characters. */
export function decodeCtc(probabilities: Float32Array, steps: number, classes: number, alphabet: Alphabet): Reading {
  let text = '';
  let total = 0;
  let kept = 0;
  let previous = -1;
  for (let step = 0; step < steps; step += 1) {
    let best = 0;
    let bestProbability = -Infinity;
    for (let index = 0; index < classes; index += 1) {
      const probability = probabilities[step * classes + index]!;
      if (probability > bestProbability) [best, bestProbability] = [index, probability];
    }
    if (best !== 0 && best !== previous) {
      text += alphabet[best] ?? '';
      total += bestProbability;
      kept += 1;
    }
    previous = best;
  }
  return { text, score: kept === 0 ? 0 : total / kept };
}

/** Reading order: top to bottom, and left to right within a line (boxes whose tops are within 10 pixels). */
export function readingOrder<T extends TextBox>(boxes: readonly T[]): T[] {
  const sorted = [...boxes].sort((a, b) => a.box[0].y - b.box[0].y || a.box[0].x - b.box[0].x);
  for (let i = 1; i < sorted.length; i += 1) {
    for (let j = i; j > 0; j -= 1) {
      const [before, after] = [sorted[j - 1]!, sorted[j]!];
      if (Math.abs(after.box[0].y - before.box[0].y) >= 10 || after.box[0].x >= before.box[0].x) break;
      [sorted[j - 1], sorted[j]] = [after, before];
    }
  }
  return sorted;
}

function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** Bilinear sample of one channel, edges clamped. */
function sample(image: Pixels, x: number, y: number, channel: number): number {
  const clampX = (value: number) => Math.min(image.width - 1, Math.max(0, value));
  const clampY = (value: number) => Math.min(image.height - 1, Math.max(0, value));
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const at = (px: number, py: number) => image.data[(clampY(py) * image.width + clampX(px)) * image.channels + channel]!;
  const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
  const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
  return Math.round(top * (1 - fy) + bottom * fy);
}
