/**
 * Folders in the blob store: the files of a folder put under a key prefix, and a prefix brought
 * back into a folder. Model files and packs are folders on disk, but keys allow only safe
 * segments, so a file or folder name that is not one (a space, a leading dot, `@scope`) becomes
 * `_x_` and the hex of its UTF-8 bytes; names that already start with `_x_` are encoded too, so
 * every key reads back as exactly one path.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PinkseaError } from '../../engine/errors';
import { BlobTooLargeError, checkBlobKey, type BlobStore } from './blob-store';
import { LocalBlobStore } from './local-blob-store';

const ENCODED = '_x_';

/** A name a key segment cannot hold as it is (too long even when encoded, say). */
export class UnstorableNameError extends PinkseaError {
  override readonly name = 'UnstorableNameError';
  constructor(what: string) {
    super('unstorable_name', `${what} cannot be kept in storage: its name is too long or holds characters storage refuses`, 'user');
  }
}

/** The key segment for one file or folder name. */
export function keySegmentOf(name: string): string {
  const plain = !name.startsWith(ENCODED) && !name.includes('/') && isKey(name);
  const segment = plain ? name : `${ENCODED}${Buffer.from(name, 'utf8').toString('hex')}`;
  if (!isKey(segment)) throw new UnstorableNameError(`"${name}"`);
  return segment;
}

/** The name a key segment stands for; refuses what could leave a folder (`..`, separators). */
export function nameOfKeySegment(segment: string): string {
  if (!segment.startsWith(ENCODED)) return segment;
  const hex = segment.slice(ENCODED.length);
  const name = /^(?:[0-9a-f]{2})+$/.test(hex) ? Buffer.from(hex, 'hex').toString('utf8') : '';
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) throw new UnstorableNameError(`The stored name "${segment}"`);
  return name;
}

/** `prefix` + the key of a `/`-separated relative path. */
export function blobKeyOfPath(prefix: string, relativePath: string): string {
  return checkBlobKey(`${prefix}${relativePath.split('/').map(keySegmentOf).join('/')}`);
}

/** The `/`-separated relative path a key under `prefix` stands for. */
export function pathOfBlobKey(prefix: string, key: string): string {
  if (!key.startsWith(prefix)) throw new UnstorableNameError(`The stored key "${key}"`);
  return key.slice(prefix.length).split('/').map(nameOfKeySegment).join('/');
}

/**
 * Where the store keeps a key on this machine's disk, when it is a folder store: a caller that
 * already holds the file there (the data dir is the store) need not copy it onto itself.
 */
export function localPathOfKey(store: BlobStore, key: string): string | undefined {
  return store instanceof LocalBlobStore ? store.pathOf(key) : undefined;
}

/** Relative, `/`-separated paths of the files under `folder`, sorted; links and specials skipped. */
export async function filesUnder(folder: string, prefix = ''): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(path.join(folder, prefix), { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await filesUnder(folder, relative)));
    else if (entry.isFile()) files.push(relative);
  }
  return files.sort();
}

/**
 * Puts every file under `folder` (or only `files`, relative to it) at `prefix` + its encoded
 * path, one object at a time, each whole or not at all. A file that already lies at its key's
 * place (the store is this data dir) is left as it is. Returns the keys.
 */
export async function putFolder(store: BlobStore, folder: string, prefix: string, options: { readonly signal?: AbortSignal } = {}): Promise<string[]> {
  const keys: string[] = [];
  for (const relative of await filesUnder(folder)) {
    options.signal?.throwIfAborted();
    const key = blobKeyOfPath(prefix, relative);
    const file = path.resolve(folder, ...relative.split('/'));
    keys.push(key);
    if (localPathOfKey(store, key) === file) continue;
    await store.put(key, createReadStream(file));
  }
  return keys;
}

/** Removes every object under `prefix`; returns how many there were. */
export async function deletePrefix(store: BlobStore, prefix: string): Promise<number> {
  const found = await keysUnder(store, prefix);
  for (const { key } of found) await store.delete(key);
  return found.length;
}

export interface FetchKeysOptions {
  /** Most bytes all the objects may hold together; past it the fetch fails with BlobTooLargeError. */
  readonly maxBytes?: number;
  /** Sees every chunk of every file as it arrives (hashing, progress). */
  readonly observe?: (relativePath: string, chunk: Buffer) => void;
  readonly signal?: AbortSignal;
}

export interface FetchedFile {
  readonly key: string;
  readonly path: string;
  readonly size: number;
}

/**
 * Writes the objects of `keys` (under `prefix`) into `folder` at their decoded paths, one after the
 * other. `folder` is a fresh one of the caller's, to be renamed into use once checked: on failure
 * what was written stays there for the caller to remove.
 */
export async function fetchKeys(store: BlobStore, prefix: string, keys: readonly string[], folder: string, options: FetchKeysOptions = {}): Promise<FetchedFile[]> {
  const fetched: FetchedFile[] = [];
  let total = 0;
  for (const key of keys) {
    options.signal?.throwIfAborted();
    const relative = pathOfBlobKey(prefix, key);
    const file = path.join(folder, ...relative.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.byteLength;
        total += chunk.byteLength;
        if (options.maxBytes !== undefined && total > options.maxBytes) return done(new BlobTooLargeError(key, options.maxBytes));
        options.observe?.(relative, chunk);
        done(null, chunk);
      },
    });
    const source = await store.stream(key);
    const target = createWriteStream(file, { flags: 'wx' });
    await (options.signal ? pipeline(source, meter, target, { signal: options.signal }) : pipeline(source, meter, target));
    fetched.push({ key, path: relative, size });
  }
  return fetched;
}

/** Every key under `prefix`, in key order. */
export async function keysUnder(store: BlobStore, prefix: string): Promise<{ key: string; size: number }[]> {
  const found: { key: string; size: number }[] = [];
  for await (const info of store.list(prefix)) found.push({ key: info.key, size: info.size });
  return found;
}

function isKey(segment: string): boolean {
  try {
    checkBlobKey(segment);
    return true;
  } catch {
    return false;
  }
}
