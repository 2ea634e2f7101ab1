/**
 * Runs the pack's fixture graph through the engine, with the pack loaded the way the platform
 * loads it, so the manifest, the node files and the wiring between image nodes are checked
 * together on real pixels.
 */
import type { ImageRef } from '@pinksea/node-sdk';
import { MemoryContextHost } from '@pinksea/node-sdk/testing';
import sharp from 'sharp';
import { runGraph, type RunResult } from '../../engine/execution/run-graph';
import type { Graph, GraphNode } from '../../engine/graph/graph';
import { NodeRegistry } from '../../engine/registry/node-registry';
import { loadPackFromFolder } from '../../services/plugins/pack-loader';
import fixture from './fixtures/image-chain.graph.json';
import { decode, storeImage, type Decoded } from './image-testing';

const RED = [255, 0, 0];
const BLUE = [0, 0, 255];

/** The fixture with the stored image put into every image.load node. */
function withInput(graph: Graph, image: ImageRef): Graph {
  const nodes = graph.nodes.map((node): GraphNode => (node.type === 'image.load' ? { ...node, inputs: { ...node.inputs, image } } : node));
  return { ...graph, nodes };
}

function near(actual: readonly number[], expected: readonly number[], tolerance: number): boolean {
  return expected.every((level, channel) => Math.abs(actual[channel]! - level) <= tolerance);
}

describe('image pack fixture graph', () => {
  let host: MemoryContextHost;
  let result: RunResult;

  const finalImage = (nodeId: string) => decode(host, result.outputsOf(nodeId)[0]!['image'] as ImageRef);
  const quadrants = (out: Decoded) => [out.at(4, 4), out.at(28, 4), out.at(4, 28), out.at(28, 28)];

  beforeAll(async () => {
    const registry = new NodeRegistry();
    await loadPackFromFolder(__dirname, registry);
    host = new MemoryContextHost();
    const input = sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 0, g: 0, b: 255 } } }).composite([
      { input: { create: { width: 64, height: 32, channels: 3, background: { r: 255, g: 0, b: 0 } } }, left: 0, top: 0 },
    ]);
    const image = await storeImage(host, input);
    result = await runGraph(withInput(fixture as Graph, image), { registry, host });
  });

  it('completes', () => {
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('completed');
  });

  it('loads and resizes the input', () => {
    expect(result.outputsOf('photo')[0]).toEqual(jasmine.objectContaining({ width: 64, height: 64 }));
    expect(result.outputsOf('small')[0]).toEqual(jasmine.objectContaining({ width: 32, height: 32 }));
  });

  it('pastes the turned-over left half onto the original', async () => {
    expect(quadrants(await finalImage('combined')).map((pixel) => pixel.slice(0, 3))).toEqual([BLUE, RED, RED, BLUE]);
  });

  it('swaps red and blue through split and merge', async () => {
    const swapped = await finalImage('swapped');
    expect([swapped.width, swapped.height]).toEqual([32, 32]);
    expect(quadrants(swapped).map((pixel) => pixel.slice(0, 3))).toEqual([RED, BLUE, BLUE, RED]);
  });

  it('exports the result as a 32×32 JPEG', async () => {
    const exported = await finalImage('export');
    expect([exported.format, exported.width, exported.height, exported.channels]).toEqual(['jpeg', 32, 32, 3]);
    const expected = [RED, BLUE, BLUE, RED];
    expect(quadrants(exported).every((pixel, index) => near(pixel, expected[index]!, 24))).toBe(true);
    expect(result.outputsOf('export')[0]).toEqual(jasmine.objectContaining({ width: 32, height: 32 }));
  });
});
