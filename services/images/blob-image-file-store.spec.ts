/**
 * Image files in the blob store, the same on the data dir and on S3-compatible storage: the S3
 * cases run against a real S3 server (s3rver) started here, through the real AWS SDK.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { startS3Server } from '../../test/support/s3-server';
import type { BlobStore } from '../storage/blob-store';
import { LocalBlobStore } from '../storage/local-blob-store';
import { S3BlobStore } from '../storage/s3-blob-store';
import { BlobImageFileStore } from './blob-image-file-store';
import { ImageFileMissingError } from './image-file-store';

const OWNER = '4b0c9a0e-5f4e-4d47-9d8e-6c3a1f2b7e10';
const OTHER = '9a8b7c6d-1111-4222-8333-944455556666';

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface Backend {
  readonly blobs: BlobStore;
  /** Every key the backend holds, sorted (temporary files included, so a leftover shows). */
  keys(): Promise<string[]>;
  /** Empties it between specs. */
  clear(): Promise<void>;
  done(): Promise<void>;
}

function contract(label: string, make: () => Promise<Backend>, extra: (backend: () => Backend) => void = () => undefined): void {
  describe(`BlobImageFileStore on ${label}`, () => {
    let backend: Backend;
    let store: BlobImageFileStore;
    beforeAll(async () => {
      backend = await make();
      store = new BlobImageFileStore(backend.blobs);
    }, 30_000);
    afterAll(async () => backend?.done());
    afterEach(async () => backend.clear());

    it('keeps the full image and its thumbnail under images/<owner>/', async () => {
      await store.put(OWNER, 'abc', 'full', Buffer.from('full bytes'));
      await store.put(OWNER, 'abc', 'thumbnail', Buffer.from('thumb bytes'));
      expect(await backend.keys()).toEqual([`images/${OWNER}/abc.png`, `images/${OWNER}/thumbnails/abc.webp`]);
      expect((await store.get(OWNER, 'abc', 'full')).toString()).toBe('full bytes');
      expect((await store.get(OWNER, 'abc', 'thumbnail')).toString()).toBe('thumb bytes');
      expect([await store.has(OWNER, 'abc', 'thumbnail'), await store.has(OWNER, 'nope', 'thumbnail')]).toEqual([true, false]);
    });

    it('streams the bytes', async () => {
      const bytes = Buffer.alloc(300_000, 7);
      bytes[299_999] = 9;
      await store.put(OWNER, 'big', 'full', bytes);
      expect((await collect(await store.stream(OWNER, 'big', 'full'))).equals(bytes)).toBeTrue();
    });

    it('replaces a file whole and leaves nothing else behind', async () => {
      await store.put(OWNER, 'abc', 'full', Buffer.from('one'));
      await store.put(OWNER, 'abc', 'full', Buffer.from('two'));
      expect((await store.get(OWNER, 'abc', 'full')).toString()).toBe('two');
      expect(await backend.keys()).toEqual([`images/${OWNER}/abc.png`]);
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
      expect(await backend.keys()).toEqual([`images/${OWNER}/stays.png`]);
    });

    it('refuses names that could leave the owner folder, writing nothing', async () => {
      for (const [owner, name] of [[OWNER, '../escape'], [OWNER, 'a/b'], ['..', 'x'], [OWNER, ''], [OWNER, '.hidden'], [`${OWNER}/..`, 'x']]) {
        await expectAsync(store.put(owner!, name!, 'full', Buffer.from('x'))).withContext(`${owner} ${name}`).toBeRejectedWithError(RangeError);
      }
      expect(await backend.keys()).toEqual([]);
    });

    extra(() => backend);
  });
}

contract(
  'the data dir',
  async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'pinksea-files-'));
    const keys = async (): Promise<string[]> => {
      const entries = await readdir(root, { recursive: true, withFileTypes: true });
      return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/')).sort();
    };
    return {
      blobs: new LocalBlobStore(root),
      keys,
      clear: async () => {
        for (const entry of await readdir(root)) await rm(path.join(root, entry), { recursive: true, force: true });
      },
      done: () => rm(root, { recursive: true, force: true }),
    };
  },
  (backend) => {
    it('writes the files where the data dir has always kept them, and signs no URLs', async () => {
      const store = new BlobImageFileStore(backend().blobs);
      await store.put(OWNER, 'abc', 'full', Buffer.from('on disk'));
      const root = (backend().blobs as LocalBlobStore).pathOf('images');
      expect((await readFile(path.join(root, OWNER, 'abc.png'))).toString()).toBe('on disk');
      expect(store.signedUrl).toBeUndefined();
    });
  },
);

contract(
  'S3-compatible storage',
  async () => {
    const server = await startS3Server('image-files');
    const blobs = new S3BlobStore(server.storeOptions);
    const keys = async (): Promise<string[]> => {
      const found: string[] = [];
      for await (const info of blobs.list('')) found.push(info.key);
      return found.sort();
    };
    return {
      blobs,
      keys,
      clear: async () => {
        for (const key of await keys()) await blobs.delete(key);
      },
      done: async () => {
        blobs.close();
        await server.stop();
      },
    };
  },
  (backend) => {
    it('hands out presigned URLs that fetch a variant with its media type, until they expire', async () => {
      const store = new BlobImageFileStore(backend().blobs);
      await store.put(OWNER, 'signed', 'thumbnail', Buffer.from('webp bytes'));
      const signed = await store.signedUrl!(OWNER, 'signed', 'thumbnail', 1);
      expect(new URL(signed.url).pathname).toMatch(new RegExp(`/images/${OWNER}/thumbnails/signed\\.webp$`));
      const answer = await fetch(signed.url);
      expect([answer.status, answer.headers.get('content-type'), await answer.text()]).toEqual([200, 'image/webp', 'webp bytes']);
      // (s3rver checks a presigned URL's expiry, not its signature; AWS and MinIO check both.)
      await new Promise((resolve) => setTimeout(resolve, 2100));
      expect((await fetch(signed.url)).status).toBe(403);
    });

    it('refuses a URL for a name that could leave the owner folder', async () => {
      const store = new BlobImageFileStore(backend().blobs);
      await expectAsync(store.signedUrl!(OWNER, '../x', 'full', 60)).toBeRejectedWithError(RangeError);
    });
  },
);
