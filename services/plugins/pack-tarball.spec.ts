import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { packFolder, tarGz, type TarInput } from '../../test/support/tar-writer';
import { InvalidInputError } from '../kernel/service-errors';
import { extractPackTarball } from './pack-tarball';

const LIMITS = { maxBytes: 1024 * 1024, maxEntries: 100 };
const MANIFEST = JSON.stringify({ name: 'p', version: '1.0.0' });

describe('extractPackTarball', () => {
  let scratch: string;
  let target: string;

  beforeEach(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'pinksea-tarball-'));
    target = path.join(scratch, 'pack');
    await mkdir(target);
  });
  afterEach(() => rm(scratch, { recursive: true, force: true }));

  async function refusal(bytes: Buffer, limits = LIMITS): Promise<string> {
    const error = await extractPackTarball(bytes, target, limits).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as InvalidInputError).message;
  }

  it('unpacks what npm pack writes, without its package/ folder', async () => {
    const source = path.join(scratch, 'source');
    await mkdir(path.join(source, 'lib'), { recursive: true });
    await writeFile(path.join(source, 'package.json'), MANIFEST);
    await writeFile(path.join(source, 'lib', 'a.node.js'), 'exports.a = 1;');
    await extractPackTarball(await packFolder(source), target, LIMITS);
    expect((await readdir(target)).sort()).toEqual(['lib', 'package.json']);
    expect(await readFile(path.join(target, 'lib', 'a.node.js'), 'utf8')).toBe('exports.a = 1;');
  });

  it('keeps a tarball with its files at the top as it is', async () => {
    await extractPackTarball(tarGz([{ name: 'package.json', data: MANIFEST }, { name: 'a.node.js', data: 'x' }]), target, LIMITS);
    expect((await readdir(target)).sort()).toEqual(['a.node.js', 'package.json']);
  });

  it('refuses entries outside the folder, and links, writing nothing', async () => {
    const hostile: Record<string, TarInput> = {
      'a .. segment': { name: 'package/../../escaped.js', data: 'x' },
      'an absolute path': { name: '/tmp/escaped.js', data: 'x' },
      'a backslash': { name: 'package\\..\\escaped.js', data: 'x' },
      'a symbolic link': { name: 'package/a.node.js', type: 'SymbolicLink', linkTarget: '/etc/passwd' },
      'a hard link': { name: 'package/a.node.js', type: 'Link', linkTarget: 'package/package.json' },
    };
    for (const [what, entry] of Object.entries(hostile)) {
      const message = await refusal(tarGz([{ name: 'package/package.json', data: MANIFEST }, entry]));
      expect(message).withContext(what).toMatch(/outside the pack folder|a link; a pack may only hold files and folders/);
      expect(await readdir(target)).withContext(what).toEqual([]);
    }
    expect(await readdir(scratch)).toEqual(['pack']);
  });

  it('refuses a pack with more bytes or entries than allowed', async () => {
    const big = tarGz([{ name: 'package/package.json', data: MANIFEST }, { name: 'package/big.bin', data: Buffer.alloc(4096) }]);
    expect(await refusal(big, { maxBytes: 4096, maxEntries: 100 })).toContain('the unpacked tarball is larger than 4096 bytes');
    const many = tarGz(Array.from({ length: 5 }, (_, index) => ({ name: `package/${index}.js`, data: 'x' })));
    expect(await refusal(many, { maxBytes: LIMITS.maxBytes, maxEntries: 4 })).toContain('more than 4 entries');
    expect(await readdir(target)).toEqual([]);
  });

  it('stops unzipping a bomb at the limit', async () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(await refusal(bomb)).toContain(`the unpacked tarball is larger than ${LIMITS.maxBytes} bytes`);
  });

  it('refuses what is not a gzip tarball, or a truncated one', async () => {
    expect(await refusal(Buffer.from('not a tarball'))).toContain('not a gzip-compressed tarball');
    const whole = tarGz([{ name: 'package/package.json', data: MANIFEST }, { name: 'package/a.js', data: Buffer.alloc(2000, 1) }]);
    const truncated = gzipSync(gunzipSync(whole).subarray(0, 1800));
    expect(await refusal(truncated)).toContain('Truncated input');
    expect(await readdir(target)).toEqual([]);
  });
});
