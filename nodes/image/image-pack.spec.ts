import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { InputFieldSpec } from '@pinksea/node-sdk';
import { NodeRegistry } from '../../engine/registry/node-registry';
import { loadPackFromFolder, unloadPack } from '../../services/plugins/pack-loader';

const EXPECTED_TYPES = [
  'image.adjust_color',
  'image.blur',
  'image.convert_format',
  'image.crop',
  'image.infill_color',
  'image.load',
  'image.mask_combine',
  'image.mask_invert',
  'image.mask_threshold',
  'image.merge_channels',
  'image.paste',
  'image.render_text',
  'image.resize',
  'image.rotate',
  'image.save',
  'image.split_channels',
];

describe('the image pack', () => {
  const manifestNodes = (): string[] => JSON.parse(readFileSync(path.join(__dirname, 'package.json'), 'utf8')).pinksea.nodes;

  async function loaded() {
    const registry = new NodeRegistry();
    const pack = await loadPackFromFolder('nodes/image', registry);
    return { registry, pack };
  }

  it('loads from its folder with every listed node file', async () => {
    const { registry, pack } = await loaded();
    expect(pack.manifest.name).toBe('@pinksea/nodes-image');
    expect(pack.types.length).toBe(manifestNodes().length);
    expect([...pack.types].sort()).toEqual(EXPECTED_TYPES);
    expect(registry.definitions().map((definition) => definition.type).sort()).toEqual(EXPECTED_TYPES);
  });

  it('names each file after its type id', () => {
    const fromFiles = manifestNodes().map((file) => `image.${file.replace(/\.node\.ts$/, '').replace(/-/g, '_')}`);
    expect(fromFiles.sort()).toEqual(EXPECTED_TYPES);
  });

  it('declares every node for the palette: category, text, and titled, described inputs', async () => {
    const { registry } = await loaded();
    for (const definition of registry.definitions()) {
      const where = definition.type;
      expect(['image', 'mask']).withContext(where).toContain(definition.category);
      expect(definition.category === 'mask').withContext(where).toBe(definition.type.startsWith('image.mask_'));
      expect(definition.description.length).withContext(where).toBeGreaterThan(40);
      expect(definition.needs).withContext(where).toEqual({ gpu: false, models: [], network: false });
      for (const [name, spec] of Object.entries(definition.inputs as Record<string, InputFieldSpec>)) {
        expect(spec.title).withContext(`${where}.${name}`).toBeTruthy();
        expect(spec.description).withContext(`${where}.${name}`).toBeTruthy();
      }
    }
  });

  it('gives every node its size as integer width and height outputs, and an image output where it makes one image', async () => {
    const { registry } = await loaded();
    for (const definition of registry.definitions()) {
      const outputs = definition.outputs;
      expect([outputs['width']?.kind, outputs['height']?.kind]).withContext(definition.type).toEqual(['integer', 'integer']);
      const images = Object.keys(outputs).filter((name) => outputs[name]!.kind === 'image');
      expect(images).withContext(definition.type).toEqual(definition.type === 'image.split_channels' ? ['r', 'g', 'b', 'a'] : ['image']);
    }
  });

  it('unloads and loads again from the same folder', async () => {
    const { registry } = await loaded();
    unloadPack('@pinksea/nodes-image', registry, 'nodes/image');
    expect(registry.definitions()).toEqual([]);
    const again = await loadPackFromFolder('nodes/image', registry);
    expect(again.types.length).toBe(EXPECTED_TYPES.length);
  });
});
