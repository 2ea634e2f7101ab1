import { PackError } from '../errors';
import { createTestPack, TEST_PACK_MANIFEST } from '../../nodes/sdk/testing';
import { defineNode, field, output } from '../../nodes/sdk';
import { buildCatalogue } from '../catalogue';
import { compareVersions, NodeRegistry } from './node-registry';
import { parsePackManifest } from './pack-manifest';

const addV = (version: string) =>
  defineNode({
    type: 'other.add',
    title: 'Add',
    description: 'Adds.',
    category: 'math',
    version,
    inputs: { a: field.float({ default: 0 }) },
    outputs: { value: output.float() },
    invoke: ({ a }) => ({ value: a }),
  });

const manifest = (name: string) => ({ ...TEST_PACK_MANIFEST, name });

describe('node registry', () => {
  it('loads a pack whole and lists its types in the catalogue', () => {
    const registry = new NodeRegistry();
    const { nodes } = createTestPack();
    registry.loadPack(TEST_PACK_MANIFEST, [{ source: 'add.node.ts', definition: nodes.add }]);
    expect(registry.lookup('test.add').ok).toBeTrue();
    expect(buildCatalogue(registry).map((entry) => [entry.type, entry.pack])).toEqual([['test.add', '@pinksea/test-pack']]);
  });

  it('refuses a type id that another pack owns, and keeps the owner', () => {
    const registry = new NodeRegistry();
    registry.loadPack(manifest('first'), [{ source: 'a.node.ts', definition: addV('1.0.0') }]);
    expect(() => registry.loadPack(manifest('second'), [{ source: 'b.node.ts', definition: addV('1.1.0') }])).toThrowMatching(
      (error) => error instanceof PackError && error.code === 'type_conflict' && error.message.includes('belongs to the pack "first"'),
    );
    expect(registry.packOf('other.add')).toBe('first');
    expect(registry.loadedPacks().map((pack) => pack.manifest.name)).toEqual(['first']);
  });

  it('fails a pack with a malformed node, loading none of it', () => {
    const registry = new NodeRegistry();
    const broken = { type: 'Bad Type', title: '', invoke: 3 };
    expect(() => registry.loadPack(manifest('p'), [{ source: 'ok.node.ts', definition: addV('1.0.0') }, { source: 'bad.node.ts', definition: broken }])).toThrowMatching(
      (error) => error instanceof PackError && error.code === 'invalid_definition' && error.message.includes('bad.node.ts'),
    );
    expect(registry.lookup('other.add').ok).toBeFalse();
  });

  it('unloads a pack and its types, and bumps the version each time', () => {
    const registry = new NodeRegistry();
    const before = registry.version;
    registry.loadPack(manifest('p'), [{ source: 'a', definition: addV('1.0.0') }]);
    registry.unloadPack('p');
    expect(registry.lookup('other.add')).toEqual(jasmine.objectContaining({ ok: false, code: 'unknown_node_type' }));
    expect(registry.version).toBe(before + 2);
    expect(() => registry.unloadPack('p')).toThrowMatching((error) => (error as PackError).code === 'pack_not_loaded');
  });

  it('keeps old versions runnable: exact, newest of a major, or a clear refusal', () => {
    const registry = new NodeRegistry();
    registry.loadPack(manifest('p'), [
      { source: 'v1', definition: addV('1.0.0') },
      { source: 'v12', definition: addV('1.2.0') },
      { source: 'v2', definition: addV('2.0.0') },
    ]);
    const version = (wanted?: string) => {
      const found = registry.lookup('other.add', wanted);
      return found.ok ? found.definition.version : found.code;
    };
    expect([version(), version('1.0.0'), version('1.1.0'), version('3.0.0')]).toEqual(['2.0.0', '1.0.0', '1.2.0', 'node_version_unavailable']);
  });

  it('orders versions by semver precedence', () => {
    expect(['1.10.0', '1.2.0', '1.2.0-beta', '0.9.9'].sort(compareVersions)).toEqual(['0.9.9', '1.2.0-beta', '1.2.0', '1.10.0']);
  });
});

describe('pack manifests', () => {
  it('reads a valid manifest', () => {
    const parsed = parsePackManifest({ name: '@acme/nodes', version: '1.2.3', pinksea: { apiVersion: 1, nodes: ['a.node.js'], needs: { gpu: true } } }, '/x');
    expect(parsed).toEqual(jasmine.objectContaining({ name: '@acme/nodes', nodes: ['a.node.js'], needs: { gpu: true, network: false } }));
  });

  it('says what is wrong with a broken one', () => {
    expect(() => parsePackManifest({ name: 'Bad Name', version: 'x', pinksea: { apiVersion: 9, nodes: ['../escape.js'] } }, '/x')).toThrowMatching(
      (error) =>
        error instanceof PackError &&
        error.issues.map((issue) => issue.field).join() === 'name,version,pinksea.apiVersion,pinksea.nodes' &&
        error.message.includes('API version 1'),
    );
  });
});

describe('defineNode', () => {
  it('refuses a malformed declaration loudly', () => {
    expect(() =>
      defineNode({
        type: 'x.bad',
        title: 'Bad',
        description: 'Bad default.',
        category: 'test',
        version: '1.0.0',
        inputs: { n: field.integer({ minimum: 5, default: 1 }) },
        outputs: {},
        invoke: () => ({}),
      }),
    ).toThrowMatching((error) => error instanceof PackError && error.message.includes('default of "n"'));
  });
});
