/**
 * Text detection with a DB (Differentiable Binarization) model, as PaddleOCR does it: the image
 * resized to multiples of 32 with its longer side capped, a probability map predicted, then
 * thresholded, split into connected regions, each region's minimum-area rectangle scored on the
 * map, grown ("unclipped") by area × ratio / perimeter, and mapped back to the image.
 */
import type { Pixels } from '@pinksea/nodes-image/image-io';
import * as ort from 'onnxruntime-node';
import { corners, minAreaRect, type Point, type RotatedRect } from './min-area-rect';
import { resizeRgb, toBgrTensor } from './ocr-image';

export interface DetectionSettings {
  /** Pixels of the map above this are text. */
  readonly threshold: number;
  /** Boxes whose mean probability is below this are dropped. */
  readonly boxThreshold: number;
  readonly unclipRatio: number;
  /** The longer side of the image the model sees. */
  readonly maxSide: number;
  /** Boxes narrower than this (in model pixels) are dropped. */
  readonly minSize: number;
}

export const DETECTION_DEFAULTS: DetectionSettings = { threshold: 0.3, boxThreshold: 0.6, unclipRatio: 1.5, maxSide: 960, minSize: 3 };

export interface TextBox {
  /** Top-left, top-right, bottom-right, bottom-left, in image pixels. */
  readonly box: [Point, Point, Point, Point];
  readonly score: number;
}

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];
const MAX_REGIONS = 1000;

export async function detectText(session: ort.InferenceSession, image: Pixels, settings: DetectionSettings): Promise<TextBox[]> {
  const scale = Math.min(1, settings.maxSide / Math.max(image.width, image.height));
  const width = Math.max(32, Math.round((image.width * scale) / 32) * 32);
  const height = Math.max(32, Math.round((image.height * scale) / 32) * 32);
  const resized = await resizeRgb(image, width, height);
  const input = new ort.Tensor('float32', toBgrTensor(resized, MEAN, STD), [1, 3, height, width]);
  const result = await session.run({ [session.inputNames[0]!]: input });
  const map = result[session.outputNames[0]!]!;
  const [mapHeight, mapWidth] = map.dims.slice(-2) as [number, number];
  const boxes = postprocess(map.data as Float32Array, mapWidth, mapHeight, settings);
  const sx = image.width / mapWidth;
  const sy = image.height / mapHeight;
  const clip = (value: number, max: number) => Math.round(Math.min(max, Math.max(0, value)));
  return boxes.map(({ box, score }) => ({
    box: box.map((p) => ({ x: clip(p.x * sx, image.width), y: clip(p.y * sy, image.height) })) as TextBox['box'],
    score,
  }));
}

/** The DB post-processing on a probability map of `width` × `height`; boxes in map pixels. */
export function postprocess(map: Float32Array, width: number, height: number, settings: DetectionSettings): TextBox[] {
  const labels = new Int32Array(width * height);
  const boxes: TextBox[] = [];
  const stack: number[] = [];
  let regions = 0;
  for (let start = 0; start < labels.length && regions < MAX_REGIONS; start += 1) {
    if (labels[start] !== 0 || map[start]! <= settings.threshold) continue;
    regions += 1;
    const points: Point[] = [];
    labels[start] = regions;
    stack.push(start);
    while (stack.length > 0) {
      const index = stack.pop()!;
      const x = index % width;
      const y = (index - x) / width;
      points.push({ x, y });
      for (let dy = -1; dy <= 1; dy += 1) {
        for (let dx = -1; dx <= 1; dx += 1) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
          const next = ny * width + nx;
          if (labels[next] === 0 && map[next]! > settings.threshold) {
            labels[next] = regions;
            stack.push(next);
          }
        }
      }
    }
    const box = boxOf(points, map, width, height, settings);
    if (box) boxes.push(box);
  }
  return boxes;
}

function boxOf(points: readonly Point[], map: Float32Array, width: number, height: number, settings: DetectionSettings): TextBox | undefined {
  if (points.length < 4) return undefined;
  // Pixel centers span one pixel less than the pixels cover; count whole pixels.
  const rect = grow(minAreaRect(points), 0.5);
  if (2 * rect.halfHeight < settings.minSize) return undefined;
  const score = meanInside(rect, map, width, height);
  if (score < settings.boxThreshold) return undefined;
  const w = 2 * rect.halfWidth;
  const h = 2 * rect.halfHeight;
  const distance = (w * h * settings.unclipRatio) / (2 * (w + h));
  const unclipped = grow(rect, distance);
  if (2 * unclipped.halfHeight < settings.minSize + 2) return undefined;
  return { box: corners(unclipped), score };
}

/** Offsetting a rectangle by `distance` (as the polygon clipper does) gives one `2 × distance` larger each way. */
function grow(rect: RotatedRect, distance: number): RotatedRect {
  return { ...rect, halfWidth: rect.halfWidth + distance, halfHeight: rect.halfHeight + distance };
}

/** The mean probability of the map inside the rectangle (PaddleOCR's box score). */
function meanInside(rect: RotatedRect, map: Float32Array, width: number, height: number): number {
  const [a, b, c, d] = corners(rect);
  const xs = [a.x, b.x, c.x, d.x];
  const ys = [a.y, b.y, c.y, d.y];
  const [x0, x1] = [Math.max(0, Math.floor(Math.min(...xs))), Math.min(width - 1, Math.ceil(Math.max(...xs)))];
  const [y0, y1] = [Math.max(0, Math.floor(Math.min(...ys))), Math.min(height - 1, Math.ceil(Math.max(...ys)))];
  const { center, axis, halfWidth, halfHeight } = rect;
  let sum = 0;
  let count = 0;
  for (let y = y0; y <= y1; y += 1) {
    for (let x = x0; x <= x1; x += 1) {
      const px = x - center.x;
      const py = y - center.y;
      if (Math.abs(px * axis.x + py * axis.y) > halfWidth || Math.abs(-px * axis.y + py * axis.x) > halfHeight) continue;
      sum += map[y * width + x]!;
      count += 1;
    }
  }
  return count === 0 ? 0 : sum / count;
}
