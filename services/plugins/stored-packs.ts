/**
 * Installed packs in the blob store, for nodes that share no folder with the one that installed
 * them: the installer keeps each pack's tarball at `packs/<name>/<version>.tgz`, and a node that
 * lacks the pack's folder unpacks it from there, with the checks an upload gets, into a staging
 * folder that is renamed into place only once its manifest names the pack and version recorded.
 */
import { randomUUID } from 'node:crypto';
import { access, mkdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PackError, PinkseaError } from '../../engine/errors';
import { BlobMissingError, type BlobStore } from '../storage/blob-store';
import { blobKeyOfPath } from '../storage/blob-folders';
import type { InstalledPack } from './installed-packs';
import { readPackManifest } from './pack-loader';
import { extractPackTarball, PACK_LIMITS } from './pack-tarball';

/** The blob key of a pack version's tarball (a scoped name's `@scope` is encoded, as keys hold no `@`). */
export function packTarballKey(name: string, version: string): string {
  return blobKeyOfPath('packs/', `${name}/${version}.tgz`);
}

/** `<packs>/<name>/<version>/`: where every node keeps an installed pack version. */
export function packFolderOf(packsDir: string, name: string, version: string): string {
  return path.join(packsDir, ...name.split('/'), version);
}

/** Written into a folder this node unpacked from the store: which install it came from. */
const FETCHED_MARK = '.pinksea-fetched';

/**
 * Makes sure the pack's folder is on this node: there already (installed here, or a shared data
 * dir), or unpacked from its stored tarball. A folder unpacked for an earlier install of the same
 * name and version (uninstalled and installed again while this node was away) is unpacked anew.
 * Returns whether it was unpacked now.
 */
export async function ensurePackFolder(pack: InstalledPack, folder: string, options: { readonly blobs: BlobStore; readonly packsDir: string }): Promise<boolean> {
  const mark = await readFile(path.join(folder, FETCHED_MARK), 'utf8').catch(() => undefined);
  const present = await access(path.join(folder, 'package.json')).then(() => true, () => false);
  if (present && (mark === undefined || mark === installOf(pack))) return false;

  const key = packTarballKey(pack.name, pack.version);
  let bytes: Buffer;
  try {
    bytes = await options.blobs.get(key);
  } catch (error) {
    if (error instanceof BlobMissingError) throw new PackError('pack_missing', `The pack ${pack.name}@${pack.version} is installed but its tarball is missing from storage (${options.blobs.description}); install it again`);
    throw error;
  }
  const staging = path.join(options.packsDir, '.staging', randomUUID());
  try {
    await mkdir(staging, { recursive: true });
    await extractPackTarball(bytes, staging, PACK_LIMITS).catch((error: unknown) => {
      throw new PackError('invalid_pack', `The stored tarball of ${pack.name}@${pack.version} was refused: ${error instanceof PinkseaError ? (error.issues[0]?.message ?? error.message) : String(error)}`);
    });
    const manifest = await readPackManifest(staging);
    if (manifest.name !== pack.name || manifest.version !== pack.version) {
      throw new PackError('invalid_pack', `The stored tarball of ${pack.name}@${pack.version} holds ${manifest.name}@${manifest.version}`);
    }
    await writeFile(path.join(staging, FETCHED_MARK), installOf(pack));
    if (present) await rm(folder, { recursive: true, force: true });
    await mkdir(path.dirname(folder), { recursive: true });
    try {
      await rename(staging, folder);
    } catch (error) {
      // Another process of this data dir unpacked it first: the same bytes.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
      throw error;
    }
    return true;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Removes a pack folder this node unpacked, and its name's folder once no version is left. */
export async function removePackFolder(folder: string): Promise<void> {
  await rm(folder, { recursive: true, force: true });
  await rmdir(path.dirname(folder)).catch(() => undefined);
}

const installOf = (pack: InstalledPack): string => new Date(pack.installedAt).toISOString();
