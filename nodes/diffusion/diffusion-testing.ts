/**
 * What the diffusion specs share: the tiny SD pipeline (scripts/tiny-sd) built into a temporary
 * folder and served through a memory model loader as the main model `tiny-sd`, each part's
 * session created once per folder; plus blocky test images that the tiny VAE round-trips exactly.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ModelInfo } from '@pinksea/node-sdk';
import { MemoryContextHost, type MemoryModel } from '@pinksea/node-sdk/testing';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { buildTinySdPipeline } from './demo/tiny-sd-pipeline';

export const TINY_SD_KEY = 'tiny-sd';
export const OCR_KEY = 'some-ocr-model';

export interface TinySd {
  readonly folder: string;
  session(submodel: string): Promise<ort.InferenceSession>;
  /** A fresh host with the tiny model (and a non-main model under OCR_KEY). */
  host(): MemoryContextHost;
  dispose(): Promise<void>;
}

export async function setUpTinySd(): Promise<TinySd> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-diffusion-'));
  const folder = path.join(dir, 'tiny-sd');
  await buildTinySdPipeline(folder, { seed: 1 });
  const sessions = new Map<string, Promise<ort.InferenceSession>>();
  const session = (submodel: string) => {
    if (!sessions.has(submodel)) sessions.set(submodel, ort.InferenceSession.create(path.join(folder, submodel, 'model.onnx')));
    return sessions.get(submodel)!;
  };
  const info: ModelInfo = { key: TINY_SD_KEY, name: 'Tiny SD', base: 'sd-1', type: 'main', format: 'onnx', sizeBytes: 0 };
  const model: MemoryModel = {
    info,
    load: (submodel) => session(submodel ?? 'unet'),
    readFile: async (relativePath) => new Uint8Array(await readFile(path.join(folder, relativePath))),
  };
  const ocr: MemoryModel = {
    info: { key: OCR_KEY, name: 'Some OCR model', base: 'pp-ocr', type: 'ocr_detection', format: 'onnx', sizeBytes: 0 },
    load: () => Promise.reject(new RangeError('not loadable in tests')),
  };
  return {
    folder,
    session,
    host: () =>
      new MemoryContextHost(
        new Map([
          [TINY_SD_KEY, model],
          [OCR_KEY, ocr],
        ]),
      ),
    dispose: async () => {
      for (const pending of sessions.values()) await (await pending).release();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** An RGB PNG of flat 8×8 blocks in mid-range colours (no clamping when decoded), seeded. */
export async function blockyImage(width: number, height: number, seed = 7): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return 48 + (state % 160);
  };
  const blocks: number[][] = [];
  for (let b = 0; b < (width / 8) * (height / 8); b += 1) blocks.push([next(), next(), next()]);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const block = blocks[Math.floor(y / 8) * (width / 8) + Math.floor(x / 8)]!;
      data.set(block, (y * width + x) * 3);
    }
  }
  return sharp(data, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/** A greyscale PNG: white (repaint) where `repaint(x, y)`, black elsewhere. */
export function maskImage(width: number, height: number, repaint: (x: number, y: number) => boolean): Promise<Buffer> {
  const data = Buffer.alloc(width * height);
  for (let y = 0; y < height; y += 1) for (let x = 0; x < width; x += 1) data[y * width + x] = repaint(x, y) ? 255 : 0;
  return sharp(data, { raw: { width, height, channels: 1 } }).png().toBuffer();
}

/** Raw RGB bytes of a stored PNG. */
export async function rgbOf(png: Uint8Array): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}
