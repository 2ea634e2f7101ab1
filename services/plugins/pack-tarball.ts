/**
 * Unpacks the tarball `npm pack` writes into a pack folder, with node-tar. Gunzip stops at the
 * most bytes a pack may hold; then two passes over the tar: the first reads headers only and
 * refuses, before a byte is written, anything that could write outside the folder (absolute
 * paths, `..` segments, backslashes, links, devices) and more entries than a pack may hold; the
 * second extracts, with node-tar's own strict checks (no `..`, no writing through a link) behind.
 */
import { readdir } from 'node:fs/promises';
import { gunzip } from 'node:zlib';
import { create, Parser, Unpack, type ReadEntry } from 'tar';
import { InvalidInputError } from '../kernel/service-errors';

export interface TarLimits {
  /** Most bytes the unzipped tarball may hold: the files in it hold fewer. */
  readonly maxBytes: number;
  readonly maxEntries: number;
}

/** What an installed pack may hold, unpacked: checked at install and on every node that unpacks it. */
export const PACK_LIMITS: TarLimits = { maxBytes: 256 * 1024 * 1024, maxEntries: 10_000 };

/** Entry types a pack may hold: regular files and folders. */
const ALLOWED_TYPES: ReadonlySet<ReadEntry['type']> = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory']);

/** Writes the pack in `bytes` (a gzip tarball) into `folder`, without npm's `package/` folder. */
export async function extractPackTarball(bytes: Buffer, folder: string, limits: TarLimits): Promise<void> {
  const archive = await gunzipTarball(bytes, limits.maxBytes);
  const paths = await checkEntries(archive, limits);
  await unpack(archive, folder, underOneFolder(paths) ? 1 : 0);
}

/** A gzip tarball of a pack folder (its files at the top, no `package/`), for the blob store. */
export async function tarballOfFolder(folder: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of create({ gzip: true, cwd: folder, portable: true }, (await readdir(folder)).sort())) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function gunzipTarball(bytes: Buffer, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gunzip(bytes, { maxOutputLength: maxBytes }, (error, result) => {
      if (!error) resolve(result);
      else if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') reject(refused(`the unpacked tarball is larger than ${maxBytes} bytes`));
      else reject(refused(`the upload is not a gzip-compressed tarball (${error.message})`));
    });
  });
}

/** The entries' paths, or the first refusal; reads headers only. */
function checkEntries(archive: Buffer, limits: TarLimits): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const paths: string[] = [];
    let refusal: InvalidInputError | undefined;
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry) => {
        entry.resume();
        if (refusal) return;
        if (!ALLOWED_TYPES.has(entry.type)) refusal = refused(`"${entry.path}" is a ${entry.type === 'SymbolicLink' || entry.type === 'Link' ? 'link' : `special entry (${entry.type})`}; a pack may only hold files and folders`);
        else if (!isPlainRelative(entry.path)) refusal = refused(`the entry "${entry.path}" would be written outside the pack folder`);
        else if (paths.length >= limits.maxEntries) refusal = refused(`the pack holds more than ${limits.maxEntries} entries`);
        else paths.push(entry.path);
      },
    });
    parser.on('error', (error: Error) => reject(refused(`the tarball is not readable (${error.message})`)));
    parser.on('close', () => (refusal ? reject(refusal) : resolve(paths)));
    parser.end(archive);
  });
}

/** A relative, `/`-separated path with no `..` segment. */
function isPlainRelative(name: string): boolean {
  return name !== '' && !name.startsWith('/') && !/^[a-zA-Z]:/.test(name) && !name.includes('\\') && !name.includes('\0') && !name.split('/').includes('..');
}

/** npm pack puts everything under one `package/` folder: the pack is what is inside it. */
function underOneFolder(paths: readonly string[]): boolean {
  const first = paths[0]?.split('/')[0];
  if (first === undefined || first === '.') return false;
  return paths.every((name) => name.split('/')[0] === first) && paths.some((name) => name.replace(/^[^/]+\/+/, '') === 'package.json');
}

function unpack(archive: Buffer, folder: string, strip: number): Promise<void> {
  return new Promise((resolve, reject) => {
    // strict: every warning (a `..`, a path through a link) fails the install. Files belong to
    // the server's user, whoever owned them where the pack was packed.
    const extractor = new Unpack({ cwd: folder, strict: true, strip, preserveOwner: false });
    extractor.on('error', (error: Error) => reject(refused(`the tarball could not be unpacked (${error.message})`)));
    extractor.on('close', () => resolve());
    extractor.end(archive);
  });
}

function refused(message: string): InvalidInputError {
  return new InvalidInputError([{ code: 'invalid_tarball', field: 'body', message }]);
}
