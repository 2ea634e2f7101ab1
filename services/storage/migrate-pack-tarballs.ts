/**
 * Packs installed before the installer kept tarballs have only their folder in the data dir, and a
 * node on S3 that lacks a pack's folder unpacks it from its tarball (stored-packs.ts). So the
 * migration packs each such folder into the tarball the installer would have stored
 * (tarballOfFolder), under the key the pack host reads (packTarballKey).
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { readPackManifest } from '../plugins/pack-loader';
import { packTarballKey } from '../plugins/stored-packs';

export interface PackFolder {
  /** `packs/<name>/<version>`, `/`-separated, in the data dir. */
  readonly path: string;
  readonly name: string;
  readonly version: string;
  /** Where its tarball lies in the blob store (and, under the same path, in the data dir once stored there). */
  readonly key: string;
}

/**
 * The installed pack folders of the data dir: `packs/<name>/<version>/` (`packs/@scope/<name>/…`
 * for a scoped name) whose manifest names that pack and version. Anything else under `packs/`
 * (tarballs, staging, a folder the platform could not have loaded) is not one.
 */
export async function* installedPackFolders(dataDir: string): AsyncIterable<PackFolder> {
  const packs = path.join(dataDir, 'packs');
  for (const top of await folders(packs)) {
    const names = top.startsWith('@') ? (await folders(path.join(packs, top))).map((name) => `${top}/${name}`) : [top];
    for (const name of names) {
      for (const version of await folders(path.join(packs, ...name.split('/')))) {
        const relative = `packs/${name}/${version}`;
        const manifest = await readPackManifest(path.join(dataDir, ...relative.split('/'))).catch(() => undefined);
        if (manifest?.name === name && manifest.version === version) yield { path: relative, name, version, key: packTarballKey(name, version) };
      }
    }
  }
}

/** The names of the folders in `folder` that are not hidden, in name order; none when it is missing. */
async function folders(folder: string): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
}
