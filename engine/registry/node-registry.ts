/**
 * The node types that can run now, by pack. Packs load and unload at run time; a pack loads whole
 * or not at all, and a type id another pack owns is refused, never silently replaced. Several
 * versions of one type may be loaded at once (old workflows keep running); a graph node gets the
 * newest version with the major it was made with.
 */
import { PackError, type Issue } from '../errors';
import type { AnyNodeDefinition } from '../node-definition';
import { checkNodeDefinition } from './definition-check';
import type { PackManifest } from './pack-manifest';

export interface PackNode {
  /** Where the definition came from, for error messages (a file of the pack). */
  readonly source: string;
  readonly definition: unknown;
}

export interface LoadedPack {
  readonly manifest: PackManifest;
  readonly types: readonly string[];
}

export type VersionLookup =
  | { readonly ok: true; readonly definition: AnyNodeDefinition }
  | { readonly ok: false; readonly code: 'unknown_node_type' | 'node_version_unavailable'; readonly message: string };

interface Entry {
  readonly pack: string;
  readonly definition: AnyNodeDefinition;
}

export class NodeRegistry {
  private readonly byType = new Map<string, Entry[]>();
  private readonly packs = new Map<string, LoadedPack>();
  private revision = 0;

  /** Bumped on every load and unload, so callers can drop what they derived from the catalogue. */
  get version(): number {
    return this.revision;
  }

  loadPack(manifest: PackManifest, nodes: readonly PackNode[]): LoadedPack {
    if (this.packs.has(manifest.name)) {
      throw new PackError('pack_already_loaded', `The pack "${manifest.name}" is already loaded; unload it first`);
    }
    const issues: Issue[] = [];
    const definitions: AnyNodeDefinition[] = [];
    const seen = new Set<string>();
    for (const node of nodes) {
      const problems = checkNodeDefinition(node.definition);
      if (problems.length > 0) {
        issues.push(...problems.map((problem) => ({ ...problem, message: `${node.source}: ${problem.message}` })));
        continue;
      }
      const definition = node.definition as AnyNodeDefinition;
      const owner = this.byType.get(definition.type)?.[0]?.pack;
      if (owner !== undefined) {
        issues.push({
          code: 'type_conflict',
          nodeId: definition.type,
          message: `${node.source}: the type "${definition.type}" belongs to the pack "${owner}"`,
        });
      }
      const key = `${definition.type}@${definition.version}`;
      if (seen.has(key)) issues.push({ code: 'type_conflict', nodeId: definition.type, message: `${node.source}: ${key} is declared twice in this pack` });
      seen.add(key);
      definitions.push(definition);
    }
    if (issues.length > 0) {
      throw new PackError(
        issues.some((issue) => issue.code === 'type_conflict') ? 'type_conflict' : 'invalid_definition',
        `The pack "${manifest.name}" cannot load: ${issues[0]!.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`,
        issues,
      );
    }
    for (const definition of definitions) {
      const entries = this.byType.get(definition.type) ?? [];
      entries.push({ pack: manifest.name, definition });
      entries.sort((a, b) => compareVersions(b.definition.version, a.definition.version));
      this.byType.set(definition.type, entries);
    }
    const pack: LoadedPack = { manifest, types: [...new Set(definitions.map((definition) => definition.type))] };
    this.packs.set(manifest.name, pack);
    this.revision++;
    return pack;
  }

  unloadPack(name: string): LoadedPack {
    const pack = this.packs.get(name);
    if (!pack) throw new PackError('pack_not_loaded', `No pack named "${name}" is loaded`);
    for (const type of pack.types) {
      const remaining = (this.byType.get(type) ?? []).filter((entry) => entry.pack !== name);
      if (remaining.length > 0) this.byType.set(type, remaining);
      else this.byType.delete(type);
    }
    this.packs.delete(name);
    this.revision++;
    return pack;
  }

  /** The definition a graph node runs with: an exact version, else the newest of its major. */
  lookup(type: string, version?: string): VersionLookup {
    const entries = this.byType.get(type);
    if (!entries) return { ok: false, code: 'unknown_node_type', message: `no loaded pack provides the node type "${type}"` };
    if (version === undefined) return { ok: true, definition: entries[0]!.definition };
    const exact = entries.find((entry) => entry.definition.version === version);
    if (exact) return { ok: true, definition: exact.definition };
    const major = version.split('.')[0];
    const sameMajor = entries.find((entry) => entry.definition.version.split('.')[0] === major);
    if (sameMajor && compareVersions(sameMajor.definition.version, version) > 0) {
      return { ok: true, definition: sameMajor.definition };
    }
    return {
      ok: false,
      code: 'node_version_unavailable',
      message: `"${type}" version ${version} is not loaded; loaded: ${entries.map((entry) => entry.definition.version).join(', ')}`,
    };
  }

  /** The newest version of every loaded type. */
  definitions(): AnyNodeDefinition[] {
    return [...this.byType.values()].map((entries) => entries[0]!.definition);
  }

  packOf(type: string): string | undefined {
    return this.byType.get(type)?.[0]?.pack;
  }

  loadedPacks(): LoadedPack[] {
    return [...this.packs.values()];
  }
}

/** Semver precedence on major.minor.patch; a pre-release sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const [coreA = '', preA] = a.split('-', 2);
  const [coreB = '', preB] = b.split('-', 2);
  const partsA = coreA.split('.').map(Number);
  const partsB = coreB.split('.').map(Number);
  for (let index = 0; index < 3; index++) {
    const diff = (partsA[index] ?? 0) - (partsB[index] ?? 0);
    if (diff !== 0) return diff;
  }
  if (preA === preB) return 0;
  if (preA === undefined) return 1;
  if (preB === undefined) return -1;
  return preA < preB ? -1 : 1;
}
