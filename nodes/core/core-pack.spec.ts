import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { NodeRegistry } from '../../engine/registry/node-registry';
import { loadPackFromFolder } from '../../services/plugins/pack-loader';

const EXPECTED_TYPES = [
  'core.add',
  'core.boolean',
  'core.boolean_logic',
  'core.clamp',
  'core.collect',
  'core.compare',
  'core.divide',
  'core.float',
  'core.if',
  'core.integer',
  'core.iterate',
  'core.join',
  'core.json_build',
  'core.json_get',
  'core.json_parse',
  'core.multiply',
  'core.random_float',
  'core.random_integer',
  'core.range',
  'core.replace',
  'core.round',
  'core.split',
  'core.string',
  'core.subtract',
  'core.template',
];

describe('the core pack', () => {
  const manifestNodes = (): string[] => JSON.parse(readFileSync(path.join(__dirname, 'package.json'), 'utf8')).pinksea.nodes;

  it('loads from its folder with every listed node type', async () => {
    const registry = new NodeRegistry();
    const pack = await loadPackFromFolder('nodes/core', registry);
    expect(pack.manifest.name).toBe('@pinksea/nodes-core');
    expect([...pack.types].sort()).toEqual(EXPECTED_TYPES);
    expect(pack.types.length).toBe(manifestNodes().length);
    expect(registry.definitions().map((definition) => definition.type).sort()).toEqual(EXPECTED_TYPES);
  });

  it('lists every node file in the folder, so none is silently left out', () => {
    const files = readdirSync(__dirname).filter((file) => file.endsWith('.node.ts'));
    expect([...manifestNodes()].sort()).toEqual(files.sort());
  });

  it('names each file after its type id', async () => {
    const registry = new NodeRegistry();
    await loadPackFromFolder(__dirname, registry);
    for (const file of manifestNodes()) {
      const type = `core.${file.replace(/\.node\.ts$/, '').replaceAll('-', '_')}`;
      expect(registry.lookup(type).ok).withContext(file).toBeTrue();
    }
  });

  it('declares every node as 1.0.0 with a title, category, tags, and no GPU or network needs', async () => {
    const registry = new NodeRegistry();
    await loadPackFromFolder(__dirname, registry);
    for (const definition of registry.definitions()) {
      expect(definition.version).withContext(definition.type).toBe('1.0.0');
      expect(definition.tags.length).withContext(definition.type).toBeGreaterThan(1);
      expect(definition.description).withContext(definition.type).toMatch(/^[A-Z].*\.$/s);
      expect(definition.needs).withContext(definition.type).toEqual({ gpu: false, models: [], network: false });
    }
  });
});
