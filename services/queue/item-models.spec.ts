import path from 'node:path';
import { NodeRegistry } from '../../engine/registry/node-registry';
import { graph, node } from '../../nodes/sdk/testing';
import { loadPackFromFolder } from '../plugins/pack-loader';
import { modelInputsOf, modelKeysOf } from './item-models';

describe('the models of a queue item', () => {
  const registry = new NodeRegistry();
  beforeAll(async () => {
    for (const pack of ['core', 'image', 'ocr']) await loadPackFromFolder(path.resolve(__dirname, '../../nodes', pack), registry);
  });

  const ocrGraph = graph([
    node('read', 'ocr.recognize_text', { detectionModel: { key: 'det-1' }, recognitionModel: { key: 'rec-1' } }),
    node('sum', 'core.add', { a: 1, b: 2 }),
  ]);

  it('finds the model inputs of the graph by their field type', () => {
    expect([...modelInputsOf(ocrGraph, registry)].sort()).toEqual(['read/classifierModel', 'read/detectionModel', 'read/recognitionModel']);
  });

  it('collects typed-in model keys, sorted, skipping unset inputs and other fields', () => {
    expect(modelKeysOf(ocrGraph, modelInputsOf(ocrGraph, registry))).toEqual(['det-1', 'rec-1']);
  });

  it('lets the batch data replace a model, and ignores values that are not model references', () => {
    const inputs = modelInputsOf(ocrGraph, registry);
    expect(modelKeysOf(ocrGraph, inputs, [{ nodeId: 'read', field: 'recognitionModel', value: { key: 'rec-2' } }])).toEqual(['det-1', 'rec-2']);
    expect(modelKeysOf(ocrGraph, inputs, [{ nodeId: 'read', field: 'detectionModel', value: 'not a ref' }, { nodeId: 'sum', field: 'a', value: { key: 'x' } }])).toEqual(['rec-1']);
  });

  it('has nothing to say about a graph without model inputs', () => {
    const plain = graph([node('sum', 'core.add', { a: 1, b: 2 })]);
    expect(modelInputsOf(plain, registry).size).toBe(0);
    expect(modelKeysOf(plain, new Set())).toEqual([]);
  });
});
