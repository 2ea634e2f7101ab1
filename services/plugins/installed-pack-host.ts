/**
 * The installed packs of one broker node: keeps this process's registry in step with the
 * `installed_packs` table. Every node runs one; it reconciles at start and whenever a
 * `plugins.changed` broadcast arrives, one change at a time, and remembers per pack whether it
 * loaded here and why not. A pack that fails on this node is reported, never fatal: the node keeps
 * serving everything else (and tries it again on the next reconcile). Each node keeps a pack in its
 * own `<packs>/<name>/<version>/`; one that lacks it (it shares no folder with the node that
 * installed it) unpacks it from the tarball the installer put in the blob store.
 */
import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { PackError } from '../../engine/errors';
import type { LoadedPack, NodeRegistry } from '../../engine/registry/node-registry';
import type { BlobStore } from '../storage/blob-store';
import type { EnabledPackReader } from './installed-packs';
import { loadPackFromFolder, unloadPack } from './pack-loader';
import { ensurePackFolder, packFolderOf, removePackFolder } from './stored-packs';

const SDK = path.resolve(__dirname, '../../nodes/sdk');

export interface PackLoadState {
  readonly name: string;
  readonly version: string;
  readonly status: 'loaded' | 'failed';
  readonly types: readonly string[];
  readonly error?: string;
}

export interface PackHostLogger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
}

export interface InstalledPackHostOptions {
  readonly registry: NodeRegistry;
  readonly store: EnabledPackReader;
  /** `<dataDir>/packs`: installed packs live in `<name>/<version>/` under it. */
  readonly packsDir: string;
  /** Where the installer keeps pack tarballs, for a node that lacks a pack's folder. */
  readonly blobs: BlobStore;
  readonly logger?: PackHostLogger;
}

export function packsDirOf(dataDir: string): string {
  return path.join(dataDir, 'packs');
}

export class InstalledPackHost {
  private readonly states = new Map<string, PackLoadState & { readonly folder: string }>();
  /** Folders this host unpacked from the store: its own to remove when their pack goes. */
  private readonly unpacked = new Set<string>();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: InstalledPackHostOptions) {}

  /** Loads a pack folder into this node's registry (the installer's check that it loads at all). */
  load(folder: string): Promise<LoadedPack> {
    return this.exclusive(async () => {
      await this.linkSdk();
      const pack = await loadPackFromFolder(folder, this.options.registry);
      this.states.set(pack.manifest.name, { name: pack.manifest.name, version: pack.manifest.version, status: 'loaded', types: pack.types, folder });
      return pack;
    });
  }

  /** Unloads an installed pack from this node; a pack this host did not load is left alone. */
  unload(name: string): Promise<void> {
    return this.exclusive(async () => this.forget(name));
  }

  /** Loads the enabled packs this node lacks and unloads the ones no longer installed. */
  reconcile(): Promise<void> {
    return this.exclusive(async () => {
      const wanted = new Map((await this.options.store.listEnabled()).map((pack) => [pack.name, pack]));
      for (const state of [...this.states.values()]) {
        const want = wanted.get(state.name);
        if (!want || want.version !== state.version || this.folderOf(want.name, want.version) !== state.folder) await this.forgetAndRemove(state.name);
      }
      await this.linkSdk();
      for (const pack of wanted.values()) {
        const state = this.states.get(pack.name);
        if (state?.status === 'loaded') continue;
        // This node's own folder: the record's installPath is where the installing node keeps it.
        const folder = this.folderOf(pack.name, pack.version);
        try {
          if (await ensurePackFolder(pack, folder, { blobs: this.options.blobs, packsDir: this.options.packsDir })) {
            this.unpacked.add(folder);
            this.options.logger?.info(`Unpacked the installed pack ${pack.name}@${pack.version} from ${this.options.blobs.description}`);
          }
          const loaded = await loadPackFromFolder(folder, this.options.registry);
          this.states.set(pack.name, { name: pack.name, version: pack.version, status: 'loaded', types: loaded.types, folder });
          this.options.logger?.info(`Loaded the installed pack ${pack.name}@${pack.version}`);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          this.states.set(pack.name, { name: pack.name, version: pack.version, status: 'failed', types: [], error: message, folder });
          this.options.logger?.warn(`The installed pack ${pack.name}@${pack.version} did not load here: ${message}`);
        }
      }
    });
  }

  /** Where this node keeps a pack version. */
  folderOf(name: string, version: string): string {
    return packFolderOf(this.options.packsDir, name, version);
  }

  status(): PackLoadState[] {
    return [...this.states.values()].map(({ folder: _folder, ...state }) => state);
  }

  /** Forgets a pack no longer wanted, and removes its folder if this host unpacked it. */
  private async forgetAndRemove(name: string): Promise<void> {
    const folder = this.states.get(name)?.folder;
    this.forget(name);
    if (folder === undefined || !this.unpacked.delete(folder)) return;
    await removePackFolder(folder).catch((error: unknown) => this.options.logger?.warn(`Could not remove the unpacked pack folder ${folder}: ${String(error)}`));
  }

  private forget(name: string): void {
    const state = this.states.get(name);
    if (!state) return;
    this.states.delete(name);
    if (state.status !== 'loaded') return;
    try {
      unloadPack(name, this.options.registry, state.folder);
      this.options.logger?.info(`Unloaded the installed pack ${name}@${state.version}`);
    } catch (error) {
      // Not loaded after all: nothing to take out.
      if (!(error instanceof PackError)) throw error;
    }
  }

  /**
   * Installed packs import `@pinksea/node-sdk`; they live outside the app's folder, so one link in
   * `<packs>/node_modules` lets Node's resolution find this process's SDK (and its engine classes).
   */
  private async linkSdk(): Promise<void> {
    const scope = path.join(this.options.packsDir, 'node_modules', '@pinksea');
    await mkdir(scope, { recursive: true });
    try {
      await symlink(SDK, path.join(scope, 'node-sdk'), 'dir');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
