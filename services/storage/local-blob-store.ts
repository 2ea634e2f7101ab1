/**
 * The blob store in a folder (the data dir): the embedded default. A key is a path under the
 * root. Writes go to a temporary file in the same folder, are flushed to disk and renamed into
 * place, so a reader never sees half a file and an acknowledged write survives a crash.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobMissingError, BlobTooLargeError, checkBlobKey, type BlobInfo, type BlobPutOptions, type BlobStore } from './blob-store';

export class LocalBlobStore implements BlobStore {
  readonly description: string;

  constructor(private readonly root: string) {
    this.description = `the folder ${root}`;
  }

  /** Where a key lives on disk. */
  pathOf(key: string): string {
    return path.join(this.root, ...checkBlobKey(key).split('/'));
  }

  async put(key: string, body: Uint8Array | Readable, options: BlobPutOptions = {}): Promise<{ size: number }> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      let size: number;
      if (body instanceof Uint8Array) {
        if (options.maxBytes !== undefined && body.byteLength > options.maxBytes) throw new BlobTooLargeError(key, options.maxBytes);
        await writeFile(temporary, body, { flag: 'wx', flush: true });
        size = body.byteLength;
      } else {
        size = await writeStream(key, body, temporary, options.maxBytes);
      }
      await rename(temporary, target);
      return { size };
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      throw this.missingOr(error, key);
    }
  }

  async stream(key: string): Promise<Readable> {
    try {
      const handle = await open(this.pathOf(key), 'r');
      return handle.createReadStream();
    } catch (error) {
      throw this.missingOr(error, key);
    }
  }

  async head(key: string): Promise<BlobInfo | undefined> {
    try {
      const info = await stat(this.pathOf(key));
      return info.isFile() ? { key, size: info.size, modifiedAt: info.mtime } : undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    // The folder that holds every key with this prefix, walked in key order.
    const cut = prefix.lastIndexOf('/');
    const base = cut < 0 ? '' : prefix.slice(0, cut);
    const start = base === '' ? this.root : this.pathOf(base);
    for await (const key of walk(start, base)) {
      if (!key.startsWith(prefix) || key.endsWith('.tmp')) continue;
      const info = await this.head(key);
      if (info) yield info;
    }
  }

  async check(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    const probe = path.join(this.root, `.probe-${randomBytes(6).toString('hex')}`);
    await writeFile(probe, '');
    await rm(probe, { force: true });
  }

  private missingOr(error: unknown, key: string): unknown {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' ? new BlobMissingError(key, this.description) : error;
  }
}

/** Keys of the files under `dir` (whose key is `base`), in key order; hidden entries skipped. */
async function* walk(dir: string, base: string): AsyncIterable<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
    throw error;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.')) continue;
    const key = base === '' ? entry.name : `${base}/${entry.name}`;
    if (entry.isDirectory()) yield* walk(path.join(dir, entry.name), key);
    else if (entry.isFile()) yield key;
  }
}

/** Writes a stream to `file`, flushed; refuses past `maxBytes`. Returns the size. */
async function writeStream(key: string, body: Readable, file: string, maxBytes: number | undefined): Promise<number> {
  let size = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.byteLength;
      if (maxBytes !== undefined && size > maxBytes) return done(new BlobTooLargeError(key, maxBytes));
      done(null, chunk);
    },
  });
  await pipeline(body, count, createWriteStream(file, { flags: 'wx', flush: true }));
  return size;
}

