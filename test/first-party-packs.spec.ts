import path from 'node:path';
import { buildCatalogue, type CatalogueEntry } from '../engine/catalogue';
import { NodeRegistry } from '../engine/registry/node-registry';
import { loadPackFromFolder } from '../services/plugins/pack-loader';

const PACKS = ['core', 'trigger', 'image', 'prompt', 'http', 'onnx', 'ocr'];

describe('the first-party packs together', () => {
  let registry: NodeRegistry;
  let catalogue: CatalogueEntry[];

  beforeAll(async () => {
    registry = new NodeRegistry();
    for (const pack of PACKS) await loadPackFromFolder(path.resolve(__dirname, '../nodes', pack), registry);
    catalogue = buildCatalogue(registry);
  });

  it('load side by side, each type owned by the pack its id names', () => {
    expect(registry.loadedPacks().map((pack) => pack.manifest.name).sort()).toEqual(PACKS.map((pack) => `@pinksea/nodes-${pack}`).sort());
    for (const entry of catalogue) expect(entry.pack).toBe(`@pinksea/nodes-${entry.type.split('.')[0]}`);
  });

  it('serialise to a JSON catalogue that survives a round trip unchanged', () => {
    expect(JSON.parse(JSON.stringify(catalogue))).toEqual(catalogue as unknown as object[]);
  });

  it('describe every node and field for the palette: a sentence, a schema, a title', () => {
    for (const entry of catalogue) {
      expect(entry.description.length).withContext(entry.type).toBeGreaterThan(20);
      expect(entry.description.trim().endsWith('.')).withContext(`${entry.type} description ends a sentence`).toBeTrue();
      for (const field of [...entry.inputs, ...entry.outputs]) {
        expect(field.title.length).withContext(`${entry.type}.${field.name}`).toBeGreaterThan(0);
        expect(field.schema).withContext(`${entry.type}.${field.name}`).toBeDefined();
      }
    }
  });

  it('name fields in camelCase, as the graph JSON and the API do', () => {
    const offenders = catalogue.flatMap((entry) =>
      [...entry.inputs, ...entry.outputs].filter((field) => !/^[a-z][a-zA-Z0-9]*$/.test(field.name)).map((field) => `${entry.type}.${field.name}`),
    );
    expect(offenders).toEqual([]);
  });
});
