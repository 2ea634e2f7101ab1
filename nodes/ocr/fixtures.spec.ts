/**
 * Runs the pack's fixture graph through the engine with the image and OCR packs loaded the way
 * the platform loads them, and the packaged PP-OCR models served by the memory model loader.
 */
import path from 'node:path';
import { runGraph, type RunResult } from '../../engine/execution/run-graph';
import type { Graph } from '../../engine/graph/graph';
import { NodeRegistry } from '../../engine/registry/node-registry';
import { loadPackFromFolder } from '../../services/plugins/pack-loader';
import fixture from './fixtures/read-rendered-text.graph.json';
import { ocrHost } from './ocr-testing';

describe('ocr pack fixture graph', () => {
  let result: RunResult;

  beforeAll(async () => {
    const registry = new NodeRegistry();
    await loadPackFromFolder(path.join(__dirname, '../image'), registry);
    await loadPackFromFolder(__dirname, registry);
    result = await runGraph(fixture as Graph, { registry, host: ocrHost() });
  });

  it('completes', () => {
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('completed');
  });

  it('reads back the rendered text exactly', () => {
    expect(result.outputsOf('read')[0]).toEqual(jasmine.objectContaining({ text: 'HELLO 123', count: 1 }));
  });
});
