/**
 * A pack's manifest: the `pinksea` section of its package.json. Parsing is pure; reading the
 * file and importing the node files is the plugin host's job.
 *
 *   "pinksea": { "apiVersion": 1, "nodes": ["add.node.ts", ...], "needs": { "gpu": false } }
 */
import { PackError, type Issue } from '../errors';

/** The node contract version packs target; bumped only by a breaking change to the contract. */
export const ENGINE_API_VERSION = 1;

export interface PackManifest {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly apiVersion: number;
  /** Node files, relative to the pack folder, one node definition each (default export). */
  readonly nodes: readonly string[];
  readonly needs: { readonly gpu: boolean; readonly network: boolean };
}

const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

export function parsePackManifest(packageJson: unknown, where: string): PackManifest {
  const issues: Issue[] = [];
  const fail = (field: string, message: string) => issues.push({ code: 'invalid_manifest', field, message });
  const pkg = (typeof packageJson === 'object' && packageJson !== null ? packageJson : {}) as Record<string, unknown>;
  const section = pkg['pinksea'] as Record<string, unknown> | undefined;

  if (typeof pkg['name'] !== 'string' || !PACKAGE_NAME.test(pkg['name'])) fail('name', 'expected an npm package name');
  if (typeof pkg['version'] !== 'string' || !/^\d+\.\d+\.\d+/.test(pkg['version'])) fail('version', 'expected a semver version');
  if (typeof section !== 'object' || section === null) {
    fail('pinksea', 'expected a "pinksea" section with apiVersion and nodes');
  } else {
    if (section['apiVersion'] !== ENGINE_API_VERSION) {
      fail('pinksea.apiVersion', `this engine runs packs for API version ${ENGINE_API_VERSION}, the pack targets ${JSON.stringify(section['apiVersion'])}`);
    }
    const nodes = section['nodes'];
    if (!Array.isArray(nodes) || nodes.length === 0 || nodes.some((file) => typeof file !== 'string' || !isSafeRelative(file))) {
      fail('pinksea.nodes', 'expected a non-empty list of node files inside the pack folder');
    }
  }
  if (issues.length > 0) {
    throw new PackError('invalid_manifest', `The pack at ${where} has a broken manifest: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`, issues);
  }
  const needs = (section!['needs'] ?? {}) as Record<string, unknown>;
  return {
    name: pkg['name'] as string,
    version: pkg['version'] as string,
    description: typeof pkg['description'] === 'string' ? pkg['description'] : '',
    apiVersion: ENGINE_API_VERSION,
    nodes: section!['nodes'] as string[],
    needs: { gpu: needs['gpu'] === true, network: needs['network'] === true },
  };
}

function isSafeRelative(file: string): boolean {
  return file.length > 0 && !file.startsWith('/') && !file.split(/[\\/]/).includes('..');
}
