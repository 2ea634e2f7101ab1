/**
 * The installed packs of one broker node: keeps this process's registry in step with the
 * `installed_packs` table. Every node runs one; it reconciles at start and whenever a
 * `plugins.changed` broadcast arrives, one change at a time, and remembers per pack whether it
 * loaded here and why not. A pack that fails on this node is reported, never fatal: the node keeps
 * serving everything else.
 */
import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { PackError } from '../../engine/errors';
import type { LoadedPack, NodeRegistry } from '../../engine/registry/node-registry';
import type { EnabledPackReader } from './installed-packs';
import { loadPackFromFolder, unloadPack } from './pack-loader';

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
  readonly logger?: PackHostLogger;
}

export function packsDirOf(dataDir: string): string {
  return path.join(dataDir, 'packs');
}

export class InstalledPackHost {
  private readonly states = new Map<string, PackLoadState & { readonly folder: string }>();
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
        if (!want || want.version !== state.version || want.installPath !== state.folder) this.forget(state.name);
      }
      await this.linkSdk();
      for (const pack of wanted.values()) {
        const state = this.states.get(pack.name);
        if (state?.status === 'loaded') continue;
        try {
          const loaded = await loadPackFromFolder(pack.installPath, this.options.registry);
          this.states.set(pack.name, { name: pack.name, version: pack.version, status: 'loaded', types: loaded.types, folder: pack.installPath });
          this.options.logger?.info(`Loaded the installed pack ${pack.name}@${pack.version}`);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          this.states.set(pack.name, { name: pack.name, version: pack.version, status: 'failed', types: [], error: message, folder: pack.installPath });
          this.options.logger?.warn(`The installed pack ${pack.name}@${pack.version} did not load here: ${message}`);
        }
      }
    });
  }

  status(): PackLoadState[] {
    return [...this.states.values()].map(({ folder: _folder, ...state }) => state);
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
