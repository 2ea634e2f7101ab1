/**
 * Installs and uninstalls plugin packs (admin only): stages a copied folder or an unpacked tarball
 * under `<packs>/.staging`, reads its manifest, moves it to `<packs>/<name>/<version>/`, loads it
 * into this node's registry (a broken manifest, a node file that throws or a type another pack
 * owns is refused with the reason, and nothing is kept), then records it. Telling the other nodes
 * is the service's job.
 */
import { randomUUID } from 'node:crypto';
import { cp, lstat, mkdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { PackError } from '../../engine/errors';
import { ConflictError, InvalidInputError, NotFoundError } from '../kernel/service-errors';
import type { InstalledPackHost } from './installed-pack-host';
import type { InstalledPack, InstalledPacks, PackSource } from './installed-packs';
import { readPackManifest } from './pack-loader';
import { extractPackTarball } from './pack-tarball';

/** Most bytes and entries an unpacked pack may hold. */
const MAX_PACK_BYTES = 256 * 1024 * 1024;
const MAX_PACK_ENTRIES = 10_000;

export interface PackInstallerOptions {
  readonly store: InstalledPacks;
  readonly host: InstalledPackHost;
  readonly packsDir: string;
}

export class PackInstaller {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: PackInstallerOptions) {}

  list(): Promise<InstalledPack[]> {
    return this.options.store.list();
  }

  installFolder(folder: string, installedBy: string): Promise<InstalledPack> {
    return this.stage('folder', installedBy, async (staging) => {
      const source = path.resolve(folder);
      const info = await stat(source).catch(() => undefined);
      if (!info?.isDirectory()) throw invalid('folder', `there is no folder at ${source} on the server`);
      await cp(source, staging, {
        recursive: true,
        filter: async (from) => {
          if ((await lstat(from)).isSymbolicLink()) throw invalid('folder', `${path.relative(source, from)} is a link; a pack may only hold files and folders`);
          return true;
        },
      });
    });
  }

  installTarball(bytes: Buffer, installedBy: string): Promise<InstalledPack> {
    return this.stage('tarball', installedBy, (staging) => extractPackTarball(bytes, staging, { maxBytes: MAX_PACK_BYTES, maxEntries: MAX_PACK_ENTRIES }));
  }

  async uninstall(name: string): Promise<InstalledPack> {
    return this.exclusive(async () => {
      const pack = await this.options.store.find(name);
      if (!pack) throw new NotFoundError('installed pack', name);
      await this.options.store.delete(name);
      await this.options.host.unload(name);
      // Nodes that still run the pack's code hold it in memory; the files are no longer needed.
      await removeInstall(pack.installPath);
      return pack;
    });
  }

  private stage(source: PackSource, installedBy: string, fill: (staging: string) => Promise<void>): Promise<InstalledPack> {
    return this.exclusive(async () => {
      const { packsDir, store, host } = this.options;
      const staging = path.join(packsDir, '.staging', randomUUID());
      await mkdir(path.dirname(staging), { recursive: true });
      try {
        await mkdir(staging);
        await fill(staging);
        const manifest = await readPackManifest(staging);
        if (manifest.name === 'node_modules') throw invalid('name', 'a pack cannot be named "node_modules"');
        const existing = await store.find(manifest.name);
        if (existing) throw new ConflictError(`The pack "${manifest.name}" is already installed (version ${existing.version}); uninstall it first`, 'name');
        const installPath = path.join(packsDir, manifest.name, manifest.version);
        await rm(installPath, { recursive: true, force: true });
        await mkdir(path.dirname(installPath), { recursive: true });
        await rename(staging, installPath);
        let loadedTypes: readonly string[];
        try {
          loadedTypes = (await host.load(installPath)).types;
        } catch (error) {
          await removeInstall(installPath);
          throw asInstallError(error);
        }
        try {
          return await store.insert({ name: manifest.name, version: manifest.version, description: manifest.description, source, installPath, nodeTypes: loadedTypes, installedBy });
        } catch (error) {
          await host.unload(manifest.name);
          await removeInstall(installPath);
          throw error;
        }
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
    });
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }
}

/** A type or pack name another pack holds is a conflict (409); other pack faults stay 4xx as they are. */
function asInstallError(error: unknown): unknown {
  if (error instanceof PackError && (error.code === 'type_conflict' || error.code === 'pack_already_loaded')) return new ConflictError(error.message);
  return error;
}

/** Removes `<name>/<version>/`, and `<name>/` when no other version is left in it. */
async function removeInstall(installPath: string): Promise<void> {
  await rm(installPath, { recursive: true, force: true });
  await rmdir(path.dirname(installPath)).catch(() => undefined);
}

function invalid(field: string, message: string): InvalidInputError {
  return new InvalidInputError([{ code: 'invalid_pack', field, message }]);
}
