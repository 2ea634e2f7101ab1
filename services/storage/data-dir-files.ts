/**
 * The files of a data dir that belong in a blob store, by area: `images/` (full images and
 * thumbnails), `models/` (installed model files) and `packs/` (installed packs and their
 * tarballs). Everything else in the data dir stays on the machine: `postgres/` (the embedded
 * database), `secrets/` (the JWT secret). Hidden entries (a pack install's `.staging/`) and the
 * temporary files of writes in progress (`*.tmp`) are not files of the platform yet.
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { checkBlobKey } from './blob-store';

export const STORAGE_AREAS = ['images', 'models', 'packs'] as const;
export type StorageArea = (typeof STORAGE_AREAS)[number];

/** A file found under an area: its key, or why it cannot have one. */
export type DataDirFile =
  | { readonly kind: 'file'; readonly key: string }
  /** A name no storage key can carry (`@scope`, a space), or a link: reported, never copied. */
  | { readonly kind: 'unsupported'; readonly key: string; readonly reason: string };

/** Whether `value` names an area; for parsing `--only`. */
export function isStorageArea(value: string): value is StorageArea {
  return (STORAGE_AREAS as readonly string[]).includes(value);
}

/**
 * The files under `<dataDir>/<area>/` for each area, area by area, each folder in name order.
 * Read lazily, a folder at a time, so a data dir of a million images is never listed whole.
 */
export async function* dataDirFiles(dataDir: string, areas: readonly StorageArea[]): AsyncIterable<DataDirFile> {
  for (const area of STORAGE_AREAS.filter((known) => areas.includes(known))) yield* walk(path.join(dataDir, area), area);
}

async function* walk(dir: string, base: string): AsyncIterable<DataDirFile> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    throw error;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.') || (entry.isFile() && entry.name.endsWith('.tmp'))) continue;
    const key = `${base}/${entry.name}`;
    if (entry.isDirectory()) yield* walk(path.join(dir, entry.name), key);
    else if (!entry.isFile()) yield { kind: 'unsupported', key, reason: 'not a plain file (a link or a device)' };
    else if (!validKey(key)) yield { kind: 'unsupported', key, reason: 'its name cannot be a storage key (letters, digits, ".", "-" and "_" only)' };
    else yield { kind: 'file', key };
  }
}

function validKey(key: string): boolean {
  try {
    checkBlobKey(key);
    return true;
  } catch {
    return false;
  }
}
