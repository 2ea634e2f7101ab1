/**
 * The files of a data dir that belong in a blob store, by area, and the key each one has there:
 * `images/` (full images and thumbnails), `models/` (installed model files) and `packs/`
 * (installed packs and their tarballs). Everything else in the data dir stays on the machine:
 * `postgres/` (the embedded database), `secrets/` (the JWT secret), `model-cache/` (a worker's
 * copies). So do an area's hidden entries (a pack install's `.staging/`) and the temporary files of
 * writes in progress (`<file>.<hex>.tmp`); hidden files inside a model or pack folder are part of it.
 *
 * A key is the file's path with each name encoded as the platform encodes folder files
 * (blob-folders.ts: `model v2.onnx` and `@scope` become `_x_` and their hex), so a worker finds a
 * migrated model where it finds one installed on S3. A name that is already such an encoding was
 * written by the data dir's blob store under its key (a scoped pack's tarball) and is kept as it is.
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { keySegmentOf, nameOfKeySegment } from './blob-folders';
import { checkBlobKey } from './blob-store';

export const STORAGE_AREAS = ['images', 'models', 'packs'] as const;
export type StorageArea = (typeof STORAGE_AREAS)[number];

/** A file found under an area: its path in the data dir (`/`-separated) and its key, or why it cannot have one. */
export type DataDirFile =
  | { readonly kind: 'file'; readonly path: string; readonly key: string }
  /** A link or a special file, or a name too long to encode: reported, never copied. */
  | { readonly kind: 'unsupported'; readonly path: string; readonly reason: string };

/** How the data dir's blob store names its temporary files (local-blob-store.ts, the image file store). */
const TEMPORARY = /\.[0-9a-f]{12}\.tmp$/;
const ENCODED = '_x_';

/** Whether `value` names an area; for parsing `--only`. */
export function isStorageArea(value: string): value is StorageArea {
  return (STORAGE_AREAS as readonly string[]).includes(value);
}

/**
 * The files under `<dataDir>/<area>/` for each area, area by area, each folder in name order.
 * Read lazily, a folder at a time, so a data dir of a million images is never listed whole.
 */
export async function* dataDirFiles(dataDir: string, areas: readonly StorageArea[]): AsyncIterable<DataDirFile> {
  for (const area of STORAGE_AREAS.filter((known) => areas.includes(known))) yield* walk(dataDir, area, area);
}

/** The key of a file's `/`-separated path in the data dir; UnstorableNameError for a name too long to encode. */
export function keyOfDataDirPath(relativePath: string): string {
  return checkBlobKey(relativePath.split('/').map((name) => (isEncoded(name) ? name : keySegmentOf(name))).join('/'));
}

async function* walk(dataDir: string, relative: string, area: string): AsyncIterable<DataDirFile> {
  let entries: Dirent[];
  try {
    entries = await readdir(path.join(dataDir, ...relative.split('/')), { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    throw error;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if ((relative === area && entry.name.startsWith('.')) || (entry.isFile() && TEMPORARY.test(entry.name))) continue;
    const file = `${relative}/${entry.name}`;
    if (entry.isDirectory()) {
      yield* walk(dataDir, file, area);
      continue;
    }
    if (!entry.isFile()) {
      yield { kind: 'unsupported', path: file, reason: 'not a plain file (a link or a device)' };
      continue;
    }
    let key: string;
    try {
      key = keyOfDataDirPath(file);
    } catch (error) {
      yield { kind: 'unsupported', path: file, reason: error instanceof Error ? error.message : String(error) };
      continue;
    }
    yield { kind: 'file', path: file, key };
  }
}

function isEncoded(name: string): boolean {
  if (!name.startsWith(ENCODED)) return false;
  try {
    nameOfKeySegment(name);
    return true;
  } catch {
    return false;
  }
}
