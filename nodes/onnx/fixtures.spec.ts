/**
 * Runs the pack's fixture graph through the engine with the image and ONNX packs loaded the way
 * the platform loads them: rendered text → tensor → the packaged PP-OCR detection model (as a
 * generic ONNX model) → its probability map as an image.
 */
import path from 'node:path';
import type { ImageRef } from '@pinksea/node-sdk';
import sharp from 'sharp';
import { runGraph, type RunResult } from '../../engine/execution/run-graph';
import type { Graph } from '../../engine/graph/graph';
import { NodeRegistry } from '../../engine/registry/node-registry';
import { loadPackFromFolder } from '../../services/plugins/pack-loader';
import { ocrHost } from '../ocr/ocr-testing';
import fixture from './fixtures/text-probability-map.graph.json';

describe('onnx pack fixture graph', () => {
  const host = ocrHost();
  let result: RunResult;

  beforeAll(async () => {
    const registry = new NodeRegistry();
    await loadPackFromFolder(path.join(__dirname, '../image'), registry);
    await loadPackFromFolder(__dirname, registry);
    result = await runGraph(fixture as Graph, { registry, host });
  });

  it('completes', () => {
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('completed');
  });

  it('maps where the text is', async () => {
    expect(result.outputsOf('map')[0]).toEqual(jasmine.objectContaining({ width: 320, height: 96 }));
    const stored = host.images.images.get((result.outputsOf('map')[0]!['image'] as ImageRef).imageName)!;
    const { data } = await sharp(stored.data).greyscale().raw().toBuffer({ resolveWithObject: true });
    expect(Math.max(...data)).toBeGreaterThan(200); // somewhere on the word
    expect(data[95 * 320 + 2]).toBeLessThan(50); // the bottom-left corner, blank
  });
});
