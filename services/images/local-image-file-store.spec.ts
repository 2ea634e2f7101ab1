import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { ImageFileMissingError } from './image-file-store';
import { LocalImageFileStore } from './local-image-file-store';

const OWNER = '4b0c9a0e-5f4e-4d47-9d8e-6c3a1f2b7e10';
const OTHER = '9a8b7c6d-1111-4222-8333-944455556666';

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name))).sort();
}

describe('LocalImageFileStore', () => {
  let dataDir: string;
  let store: LocalImageFileStore;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-files-'));
    store = new LocalImageFileStore(dataDir);
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('keeps the full image and its thumbnail under images/<owner>/', async () => {
    await store.put(OWNER, 'abc', 'full', Buffer.from('full bytes'));
    await store.put(OWNER, 'abc', 'thumbnail', Buffer.from('thumb bytes'));
    expect(await filesUnder(dataDir)).toEqual([`images/${OWNER}/abc.png`, `images/${OWNER}/thumbnails/abc.webp`]);
    expect((await readFile(path.join(dataDir, 'images', OWNER, 'abc.png'))).toString()).toBe('full bytes');
    expect((await store.get(OWNER, 'abc', 'full')).toString()).toBe('full bytes');
    expect((await store.get(OWNER, 'abc', 'thumbnail')).toString()).toBe('thumb bytes');
  });

  it('streams the bytes', async () => {
    const bytes = Buffer.alloc(300_000, 7);
    bytes[299_999] = 9;
    await store.put(OWNER, 'big', 'full', bytes);
    expect((await collect(await store.stream(OWNER, 'big', 'full'))).equals(bytes)).toBeTrue();
  });

  it('replaces a file whole and leaves no temporary files behind', async () => {
    await store.put(OWNER, 'abc', 'full', Buffer.from('one'));
    await store.put(OWNER, 'abc', 'full', Buffer.from('two'));
    expect((await store.get(OWNER, 'abc', 'full')).toString()).toBe('two');
    expect(await filesUnder(dataDir)).toEqual([`images/${OWNER}/abc.png`]);
  });

  it('keeps owners apart: the same name under another owner is another file', async () => {
    await store.put(OWNER, 'same', 'full', Buffer.from('mine'));
    await expectAsync(store.get(OTHER, 'same', 'full')).toBeRejectedWithError(ImageFileMissingError);
    await store.put(OTHER, 'same', 'full', Buffer.from('theirs'));
    expect((await store.get(OWNER, 'same', 'full')).toString()).toBe('mine');
  });

  it('fails a read of a missing file with ImageFileMissingError, before any stream starts', async () => {
    await expectAsync(store.get(OWNER, 'nope', 'full')).toBeRejectedWithError(ImageFileMissingError);
    await expectAsync(store.stream(OWNER, 'nope', 'thumbnail')).toBeRejectedWithError(ImageFileMissingError, /thumbnail file of image "nope"/);
  });

  it('deletes both variants, and deleting again is fine', async () => {
    await store.put(OWNER, 'gone', 'full', Buffer.from('x'));
    await store.put(OWNER, 'gone', 'thumbnail', Buffer.from('y'));
    await store.put(OWNER, 'stays', 'full', Buffer.from('z'));
    await store.delete(OWNER, 'gone');
    await store.delete(OWNER, 'gone');
    expect(await filesUnder(dataDir)).toEqual([`images/${OWNER}/stays.png`]);
  });

  it('refuses names that could leave the owner folder, writing nothing', async () => {
    for (const [owner, name] of [[OWNER, '../escape'], [OWNER, 'a/b'], ['..', 'x'], [OWNER, ''], [OWNER, '.hidden'], [`${OWNER}/..`, 'x']]) {
      await expectAsync(store.put(owner!, name!, 'full', Buffer.from('x'))).withContext(`${owner} ${name}`).toBeRejectedWithError(RangeError);
    }
    await expectAsync(stat(path.join(dataDir, 'images'))).toBeRejected();
  });
});
