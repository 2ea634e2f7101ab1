/**
 * Loads a node pack from its folder into a registry: reads the manifest from package.json,
 * imports every node file it lists (the default export is the definition) and hands them to the
 * registry, which takes the pack whole or not at all. Unloading also forgets the imported modules,
 * so a pack reloaded from the same folder runs its new code.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PackError } from '../../engine/errors';
import type { LoadedPack, NodeRegistry, PackNode } from '../../engine/registry/node-registry';
import { parsePackManifest, type PackManifest } from '../../engine/registry/pack-manifest';

export async function readPackManifest(folder: string): Promise<PackManifest> {
  const file = path.join(folder, 'package.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new PackError('invalid_manifest', `There is no readable package.json in ${folder}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PackError('invalid_manifest', `${file} is not valid JSON: ${(error as Error).message}`);
  }
  return parsePackManifest(json, folder);
}

export async function loadPackFromFolder(folder: string, registry: NodeRegistry): Promise<LoadedPack> {
  const root = path.resolve(folder);
  const manifest = await readPackManifest(root);
  try {
    const nodes: PackNode[] = manifest.nodes.map((file) => ({
      source: `${manifest.name}/${file}`,
      definition: importDefinition(root, file, manifest.name),
    }));
    return registry.loadPack(manifest, nodes);
  } catch (error) {
    forgetModules(root);
    throw error;
  }
}

export function unloadPack(name: string, registry: NodeRegistry, folder?: string): LoadedPack {
  const pack = registry.unloadPack(name);
  if (folder !== undefined) forgetModules(path.resolve(folder));
  return pack;
}

function importDefinition(root: string, file: string, packName: string): unknown {
  const modulePath = path.join(root, file);
  let loaded: Record<string, unknown>;
  try {
    // require, not import(): a pack's files must be forgettable on unload, and ESM caches cannot be.
    loaded = require(modulePath) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new PackError('pack_load_failed', `The pack "${packName}" cannot load ${file}: ${reason}`, [
      { code: 'pack_load_failed', message: `${file}: ${reason}` },
    ]);
  }
  const definition = loaded['default'] ?? loaded['node'];
  if (definition === undefined) {
    throw new PackError('pack_load_failed', `The pack "${packName}": ${file} has no default export (export default defineNode(...))`);
  }
  return definition;
}

function forgetModules(root: string): void {
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(root + path.sep) && !key.includes(`${path.sep}node_modules${path.sep}`)) delete require.cache[key];
  }
}
