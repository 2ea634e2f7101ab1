import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PackError } from '../../engine/errors';
import { NodeRegistry } from '../../engine/registry/node-registry';
import { loadPackFromFolder, unloadPack } from './pack-loader';

const SDK = path.resolve(__dirname, '../../nodes/sdk');

function nodeFile(type: string, value: number): string {
  return `const { defineNode, field, output } = require(${JSON.stringify(SDK)});
module.exports = { default: defineNode({
  type: ${JSON.stringify(type)}, title: 'Constant', description: 'Returns a constant.', category: 'test', version: '1.0.0',
  inputs: {}, outputs: { value: output.integer() }, invoke: () => ({ value: ${value} }),
}) };\n`;
}

describe('pack loader', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'pinksea-packs-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function writePack(name: string, files: Record<string, string>, pinksea: object = { apiVersion: 1, nodes: Object.keys(files) }): Promise<string> {
    const folder = path.join(root, name);
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'package.json'), JSON.stringify({ name, version: '1.0.0', pinksea }));
    for (const [file, text] of Object.entries(files)) await writeFile(path.join(folder, file), text);
    return folder;
  }

  it('loads the node files a manifest lists, unloads them, and reloads new code from the same folder', async () => {
    const registry = new NodeRegistry();
    const folder = await writePack('acme-nodes', { 'one.node.js': nodeFile('acme.one', 1) });
    const pack = await loadPackFromFolder(folder, registry);
    expect(pack.types).toEqual(['acme.one']);
    const run = async () => {
      const found = registry.lookup('acme.one');
      return found.ok ? found.definition.invoke({}, undefined as never) : found.code;
    };
    expect(await run()).toEqual({ value: 1 });

    unloadPack('acme-nodes', registry, folder);
    expect(await run()).toBe('unknown_node_type');
    await writeFile(path.join(folder, 'one.node.js'), nodeFile('acme.one', 2));
    await loadPackFromFolder(folder, registry);
    expect(await run()).toEqual({ value: 2 });
  });

  it('fails the whole pack with the reason when one node file throws on load', async () => {
    const registry = new NodeRegistry();
    const folder = await writePack('broken-nodes', { 'ok.node.js': nodeFile('broken.ok', 1), 'bad.node.js': 'throw new TypeError("boom at load");' });
    await expectAsync(loadPackFromFolder(folder, registry)).toBeRejectedWith(
      jasmine.objectContaining({ code: 'pack_load_failed', message: 'The pack "broken-nodes" cannot load bad.node.js: boom at load' }),
    );
    expect(registry.lookup('broken.ok').ok).toBeFalse();
  });

  it('refuses a file without a default export and a manifest that is not JSON', async () => {
    const registry = new NodeRegistry();
    const empty = await writePack('empty-nodes', { 'x.node.js': 'module.exports = {};' });
    await expectAsync(loadPackFromFolder(empty, registry)).toBeRejectedWith(jasmine.objectContaining({ code: 'pack_load_failed' }));
    const folder = path.join(root, 'bad-json');
    await mkdir(folder);
    await writeFile(path.join(folder, 'package.json'), '{ nope');
    await expectAsync(loadPackFromFolder(folder, registry)).toBeRejectedWith(jasmine.any(PackError));
  });

  it('refuses a second pack that declares a type the first owns', async () => {
    const registry = new NodeRegistry();
    await loadPackFromFolder(await writePack('first-nodes', { 'a.node.js': nodeFile('same.type', 1) }), registry);
    const second = await writePack('second-nodes', { 'a.node.js': nodeFile('same.type', 2) });
    await expectAsync(loadPackFromFolder(second, registry)).toBeRejectedWith(jasmine.objectContaining({ code: 'type_conflict' }));
    const found = registry.lookup('same.type');
    expect(found.ok && (await found.definition.invoke({}, undefined as never))).toEqual({ value: 1 });
  });

  it('refuses a manifest that targets another engine API', async () => {
    const folder = await writePack('future-nodes', { 'a.node.js': nodeFile('future.a', 1) }, { apiVersion: 2, nodes: ['a.node.js'] });
    await expectAsync(loadPackFromFolder(folder, new NodeRegistry())).toBeRejectedWith(jasmine.objectContaining({ code: 'invalid_manifest' }));
  });
});
