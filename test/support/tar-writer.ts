/**
 * Tarballs for specs, written with node-tar: a folder packed as `npm pack` packs it (everything
 * under `package/`), and hand-made archives, hostile ones included (`../` names, absolute paths,
 * links), to check that the pack installer refuses them.
 */
import { readdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { create, Header, type HeaderData } from 'tar';

export interface TarInput {
  readonly name: string;
  readonly data?: string | Buffer;
  /** A file when left out. */
  readonly type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link';
  readonly linkTarget?: string;
}

/** A gzip tarball holding exactly `entries`, names as given (node-tar's packer would clean them). */
export function tarGz(entries: readonly TarInput[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const data = Buffer.from(entry.data ?? '');
    const header: HeaderData = { path: entry.name, type: entry.type ?? 'File', size: data.length, mode: 0o644, mtime: new Date(0), ...(entry.linkTarget ? { linkpath: entry.linkTarget } : {}) };
    const block = Buffer.alloc(512);
    new Header(header).encode(block);
    blocks.push(block, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

/** A folder as `npm pack` would pack it: every file under `package/`. */
export async function packFolder(folder: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const stream = create({ gzip: true, cwd: folder, prefix: 'package', portable: true }, await readdir(folder));
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
