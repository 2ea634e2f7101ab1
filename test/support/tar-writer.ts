/**
 * A tiny tar writer for specs: builds the gzip tarballs `npm pack` makes (ustar, everything under
 * `package/`), and hostile ones (`../` names, links) to check that the reader refuses them.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface TarInput {
  readonly name: string;
  readonly data?: string | Buffer;
  /** '0' file (default), '5' folder, '2' symbolic link, '1' hard link. */
  readonly type?: '0' | '1' | '2' | '5';
  readonly linkTarget?: string;
}

export function tarGz(entries: readonly TarInput[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const data = Buffer.from(entry.data ?? '');
    const header = Buffer.alloc(512);
    header.write(entry.name, 0, 100, 'utf8');
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write('00000000000\0', 136);
    header.write(entry.type ?? '0', 156);
    if (entry.linkTarget) header.write(entry.linkTarget, 157, 100);
    header.write('ustar\0', 257);
    header.write('00', 263);
    header.fill(0x20, 148, 156);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

/** A folder as `npm pack` would pack it: every file under `package/`. */
export async function packFolder(folder: string): Promise<Buffer> {
  const entries: TarInput[] = [];
  const walk = async (relative: string) => {
    for (const item of await readdir(path.join(folder, relative), { withFileTypes: true })) {
      const name = path.posix.join(relative, item.name);
      if (item.isDirectory()) await walk(name);
      else entries.push({ name: `package/${name}`, data: await readFile(path.join(folder, name)) });
    }
  };
  await walk('');
  return tarGz(entries);
}
