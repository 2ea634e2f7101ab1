/**
 * Installs and uninstalls plugin packs (admin only): stages a copied folder or an unpacked tarball
 * under `<packs>/.staging`, reads its manifest, moves it to `<packs>/<name>/<version>/`, loads it
 * into this node's registry (a broken manifest, a node file that throws or a type another pack
 * owns is refused with the reason, and nothing is kept), puts its tarball in the blob store (the
 * upload as it came, or the folder packed) for nodes that share no folder with this one, and only
 * then records it. Uninstalling forgets the record first, then the files and the tarball. Telling
 * the other nodes is the service's job.
 */
import { randomUUID } from 'node:crypto';
import { cp, lstat, mkdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { PackError } from '../../engine/errors';
import { ConflictError, InvalidInputError, NotFoundError } from '../kernel/service-errors';
import type { BlobStore } from '../storage/blob-store';
import type { InstalledPackHost } from './installed-pack-host';
import type { InstalledPack, InstalledPacks, PackSource } from './installed-packs';
import { readPackManifest } from './pack-loader';
import { extractPackTarball, PACK_LIMITS, tarballOfFolder } from './pack-tarball';
import { packTarballKey } from './stored-packs';

export interface PackInstallerOptions {
  readonly store: InstalledPacks;
  readonly host: InstalledPackHost;
  readonly packsDir: string;
  /** Where pack tarballs go for the other nodes. */
  readonly blobs: BlobStore;
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
    return this.stage('tarball', installedBy, async (staging) => {
      await extractPackTarball(bytes, staging, PACK_LIMITS);
      return bytes;
    });
  }

  async uninstall(name: string): Promise<InstalledPack> {
    return this.exclusive(async () => {
      const pack = await this.options.store.find(name);
      if (!pack) throw new NotFoundError('installed pack', name);
      await this.options.store.delete(name);
      await this.options.host.unload(name);
      // Nodes that still run the pack's code hold it in memory; the files are no longer needed. A
      // tarball a failing store keeps costs space, not correctness: an install of that version
      // writes it anew, so the uninstall stands.
      await this.options.blobs.delete(packTarballKey(pack.name, pack.version)).catch(() => undefined);
      await removeInstall(this.options.host.folderOf(pack.name, pack.version));
      return pack;
    });
  }

  /** `fill` writes the pack into the staging folder and returns its tarball when it has one. */
  private stage(source: PackSource, installedBy: string, fill: (staging: string) => Promise<Buffer | void>): Promise<InstalledPack> {
    return this.exclusive(async () => {
      const { packsDir, store, host, blobs } = this.options;
      const staging = path.join(packsDir, '.staging', randomUUID());
      await mkdir(path.dirname(staging), { recursive: true });
      try {
        await mkdir(staging);
        const uploaded = await fill(staging);
        const manifest = await readPackManifest(staging);
        if (manifest.name === 'node_modules') throw invalid('name', 'a pack cannot be named "node_modules"');
        const existing = await store.find(manifest.name);
        if (existing) throw new ConflictError(`The pack "${manifest.name}" is already installed (version ${existing.version}); uninstall it first`, 'name');
        const tarball = uploaded ?? (await tarballOfFolder(staging));
        const installPath = host.folderOf(manifest.name, manifest.version);
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
        // Stored durably before the record says the pack is installed: every node that reads the record can get it.
        const key = packTarballKey(manifest.name, manifest.version);
        try {
          await blobs.put(key, tarball, { contentType: 'application/gzip' });
          return await store.insert({ name: manifest.name, version: manifest.version, description: manifest.description, source, installPath, nodeTypes: loadedTypes, installedBy });
        } catch (error) {
          await blobs.delete(key).catch(() => undefined);
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
