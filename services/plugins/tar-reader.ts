/**
 * A minimal reader for the tarballs `npm pack` writes (ustar, with pax or GNU long names): regular
 * files and folders only. Anything that could write outside the pack folder is refused before a
 * byte is written: absolute paths, `..` segments, backslashes, links, devices, and more files or
 * bytes than a pack may hold.
 */
import { gunzip } from 'node:zlib';
import { InvalidInputError } from '../platform/service-errors';

export interface TarEntry {
  /** Relative, `/`-separated, without the npm `package/` folder; never absolute, never with `..`. */
  readonly path: string;
  readonly type: 'file' | 'directory';
  readonly data: Buffer;
}

export interface TarLimits {
  readonly maxBytes: number;
  readonly maxEntries: number;
}

const BLOCK = 512;

export function gunzipTarball(bytes: Buffer, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gunzip(bytes, { maxOutputLength: maxBytes }, (error, result) => {
      if (!error) resolve(result);
      else if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') reject(refused(`the unpacked tarball is larger than ${maxBytes} bytes`));
      else reject(refused(`the upload is not a gzip-compressed tarball (${error.message})`));
    });
  });
}

export function readTar(archive: Buffer, limits: TarLimits): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let total = 0;
  let longName: string | undefined;
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    if (!checksumMatches(header)) throw refused(`the tar header at byte ${offset} is corrupt`);
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156]!);
    const dataStart = offset + BLOCK;
    if (dataStart + size > archive.length) throw refused('the tarball is truncated');
    const data = archive.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;

    if (type === 'x') {
      longName = paxPath(data) ?? longName;
      continue;
    }
    if (type === 'g') continue;
    if (type === 'L') {
      longName = text(data, 0, data.length);
      continue;
    }
    const prefix = text(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    longName = undefined;
    const kind = type === '0' || type === '\0' || type === '7' ? 'file' : type === '5' ? 'directory' : undefined;
    if (!kind) throw refused(`"${name}" is a ${type === '1' || type === '2' ? 'link' : `special entry (type ${JSON.stringify(type)})`}; a pack may only hold files and folders`);
    total += size;
    if (total > limits.maxBytes) throw refused(`the pack holds more than ${limits.maxBytes} bytes`);
    if (entries.length >= limits.maxEntries) throw refused(`the pack holds more than ${limits.maxEntries} entries`);
    entries.push({ path: safePath(name), type: kind, data });
  }
  return withoutPackageFolder(entries);
}

/** A relative path with only plain segments, or a refusal naming the entry. */
export function safePath(name: string): string {
  const trimmed = name.replace(/\/+$/, '');
  const segments = trimmed.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (
    trimmed === '' ||
    name.startsWith('/') ||
    /^[a-zA-Z]:/.test(name) ||
    name.includes('\\') ||
    name.includes('\0') ||
    segments.length === 0 ||
    segments.includes('..')
  ) {
    throw refused(`the entry "${name}" would be written outside the pack folder`);
  }
  return segments.join('/');
}

/** npm pack puts everything under one `package/` folder: the pack is what is inside it. */
function withoutPackageFolder(entries: TarEntry[]): TarEntry[] {
  const first = entries[0]?.path.split('/')[0];
  if (first === undefined || !entries.every((entry) => entry.path === first || entry.path.startsWith(`${first}/`))) return entries;
  if (!entries.some((entry) => entry.path === `${first}/package.json`)) return entries;
  return entries.filter((entry) => entry.path !== first).map((entry) => ({ ...entry, path: entry.path.slice(first.length + 1) }));
}

function paxPath(data: Buffer): string | undefined {
  // Records are "<length> <key>=<value>\n".
  let offset = 0;
  let found: string | undefined;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space < 0) break;
    const length = Number(data.toString('utf8', offset, space));
    if (!Number.isInteger(length) || length <= 0) throw refused('the tarball has a corrupt pax header');
    const record = data.toString('utf8', space + 1, offset + length - 1);
    const equals = record.indexOf('=');
    if (record.slice(0, equals) === 'path') found = record.slice(equals + 1);
    offset += length;
  }
  return found;
}

function checksumMatches(header: Buffer): boolean {
  const expected = octal(header, 148, 8);
  let sum = 0;
  for (let index = 0; index < BLOCK; index++) sum += index >= 148 && index < 156 ? 0x20 : header[index]!;
  return sum === expected;
}

function octal(buffer: Buffer, offset: number, length: number): number {
  const value = text(buffer, offset, length).trim();
  if (value === '') return 0;
  if (!/^[0-7]+$/.test(value)) throw refused('the tarball has a corrupt header (a number field is not octal)');
  return parseInt(value, 8);
}

function text(buffer: Buffer, offset: number, length: number): string {
  const slice = buffer.subarray(offset, offset + length);
  const end = slice.indexOf(0);
  return slice.toString('utf8', 0, end < 0 ? slice.length : end);
}

function refused(message: string): InvalidInputError {
  return new InvalidInputError([{ code: 'invalid_tarball', field: 'body', message }]);
}
