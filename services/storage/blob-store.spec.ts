/**
 * The blob store's contract, the same for the data dir and for S3-compatible storage: the S3 cases
 * run against a real S3 server (s3rver) started here, through the real AWS SDK.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { startS3Server, type TestS3Server } from '../../test/support/s3-server';
import { BlobMissingError, BlobTooLargeError, type BlobStore } from './blob-store';
import { LocalBlobStore } from './local-blob-store';
import { S3BlobStore } from './s3-blob-store';

async function collect(iterable: AsyncIterable<{ key: string; size: number }>): Promise<{ key: string; size: number }[]> {
  const found: { key: string; size: number }[] = [];
  for await (const info of iterable) found.push({ key: info.key, size: info.size });
  return found;
}

/** A stream of `count` chunks of `size` bytes, failing after `failAfter` chunks when given. */
function chunks(count: number, size: number, failAfter?: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (failAfter !== undefined && sent === failAfter) return this.destroy(new Error('the client went away'));
      if (sent === count) return this.push(null);
      sent += 1;
      this.push(Buffer.alloc(size, sent));
    },
  });
}

function contract(name: string, make: () => Promise<{ store: BlobStore; objects: () => Promise<number>; done: () => Promise<void> }>): void {
  describe(`${name} blob store`, () => {
    let store: BlobStore;
    let objects: () => Promise<number>;
    let done: () => Promise<void>;
    beforeAll(async () => {
      ({ store, objects, done } = await make());
    }, 30_000);
    afterAll(async () => done());

    it('stores bytes and streams whole, reads them back, and deletes them (twice is fine)', async () => {
      expect(await store.put('images/alice/one.png', Buffer.from('first'), { contentType: 'image/png' })).toEqual({ size: 5 });
      expect((await store.get('images/alice/one.png')).toString()).toBe('first');
      expect(await store.put('images/alice/two.bin', chunks(3, 1000))).toEqual({ size: 3000 });
      const streamed: Buffer[] = [];
      for await (const chunk of await store.stream('images/alice/two.bin')) streamed.push(chunk as Buffer);
      expect(Buffer.concat(streamed).length).toBe(3000);
      expect(await store.head('images/alice/two.bin')).toEqual(jasmine.objectContaining({ key: 'images/alice/two.bin', size: 3000 }));
      await store.delete('images/alice/one.png');
      await store.delete('images/alice/one.png');
      expect(await store.head('images/alice/one.png')).toBeUndefined();
    });

    it('says which object is missing, before any byte is sent', async () => {
      await expectAsync(store.get('images/nobody/none.png')).toBeRejectedWith(jasmine.any(BlobMissingError));
      await expectAsync(store.stream('images/nobody/none.png')).toBeRejectedWithError(BlobMissingError, /images\/nobody\/none\.png/);
    });

    it('lists by prefix in key order, and no further than the prefix', async () => {
      for (const key of ['packs/b/1.0.0.tgz', 'packs/a/2.0.0.tgz', 'packs/a/1.0.0.tgz', 'packsx/c.tgz']) await store.put(key, Buffer.from(key));
      expect((await collect(store.list('packs/'))).map((info) => info.key)).toEqual(['packs/a/1.0.0.tgz', 'packs/a/2.0.0.tgz', 'packs/b/1.0.0.tgz']);
      expect((await collect(store.list('packs/a/'))).map((info) => info.size)).toEqual([17, 17]);
    });

    it('keeps nothing of an upload that is over its bound or whose stream fails', async () => {
      const before = await objects();
      await expectAsync(store.put('uploads/big.bin', chunks(10, 1024 * 1024), { maxBytes: 3 * 1024 * 1024 })).toBeRejectedWith(jasmine.any(BlobTooLargeError));
      await expectAsync(store.put('uploads/cut.bin', chunks(10, 1024 * 1024, 6))).toBeRejected();
      await expectAsync(store.put('uploads/small.bin', Buffer.alloc(10), { maxBytes: 5 })).toBeRejectedWith(jasmine.any(BlobTooLargeError));
      expect(await store.head('uploads/big.bin')).toBeUndefined();
      expect(await store.head('uploads/cut.bin')).toBeUndefined();
      expect(await objects()).toBe(before);
    }, 30_000);

    it('refuses keys that could leave its space', async () => {
      for (const key of ['../etc/passwd', 'images//x', '/abs', 'images/.hidden', 'a\u0000b', '']) {
        await expectAsync(store.put(key, Buffer.from('x'))).toBeRejectedWithError(RangeError);
      }
    });
  });
}

contract('data dir', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'pinksea-blobs-'));
  const count = async (dir = root): Promise<number> => {
    let total = 0;
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) total += entry.isDirectory() ? await count(path.join(dir, entry.name)) : 1;
    return total;
  };
  return { store: new LocalBlobStore(root), objects: () => count(), done: () => rm(root, { recursive: true, force: true }) };
});

contract('S3', async () => {
  const server = await startS3Server('contract');
  const store = new S3BlobStore(server.storeOptions);
  return {
    store,
    objects: async () => (await collect(store.list(''))).length,
    done: async () => {
      store.close();
      await server.stop();
    },
  };
});

describe('S3 blob store specifics', () => {
  let server: TestS3Server;
  beforeAll(async () => {
    server = await startS3Server('specifics');
  });
  afterAll(async () => server.stop());

  it('hands out presigned URLs that fetch the object until they expire', async () => {
    const store = new S3BlobStore(server.storeOptions);
    try {
      await store.put('images/alice/signed.png', Buffer.from('signed bytes'), { contentType: 'image/png' });
      const signed = await store.signedUrl('images/alice/signed.png', 1, { contentType: 'image/png' });
      const answer = await fetch(signed.url);
      expect(answer.status).toBe(200);
      expect(await answer.text()).toBe('signed bytes');
      // (s3rver checks a presigned URL's expiry, not its signature; AWS and MinIO check both.)
      await new Promise((resolve) => setTimeout(resolve, 2100));
      expect((await fetch(signed.url)).status).toBe(403);
    } finally {
      store.close();
    }
  });

  it('keeps to its prefix, so a bucket can be shared', async () => {
    const mine = new S3BlobStore({ ...server.storeOptions, prefix: 'tenant-a/' });
    const theirs = new S3BlobStore({ ...server.storeOptions, prefix: 'tenant-b' });
    try {
      await mine.put('images/x.png', Buffer.from('a'));
      expect(await theirs.head('images/x.png')).toBeUndefined();
      expect((await collect(mine.list('images/'))).map((info) => info.key)).toEqual(['images/x.png']);
    } finally {
      mine.close();
      theirs.close();
    }
  });

  it('names the setting when the bucket does not exist, and the server when it cannot be reached', async () => {
    const missing = new S3BlobStore({ ...server.storeOptions, bucket: 'no-such-bucket' });
    const down = new S3BlobStore({ ...server.storeOptions, endpoint: 'http://127.0.0.1:9' });
    try {
      await expectAsync(missing.check()).toBeRejectedWithError(/bucket "no-such-bucket" does not exist.*PINKSEA_S3_BUCKET/);
      await expectAsync(down.check()).toBeRejectedWithError(/could not be reached.*PINKSEA_S3_ENDPOINT/);
      const failure = await down.get('images/x.png').then(() => undefined, (error: unknown) => error as { code: string; kind: string; message: string; detail: string });
      expect(failure).toEqual(jasmine.objectContaining({ code: 'storage_unavailable', kind: 'transient' }));
      // The client is told what failed, not where the store is; the log gets that.
      expect(failure!.message).not.toContain('127.0.0.1');
      expect(failure!.detail).toContain('127.0.0.1:9');
    } finally {
      missing.close();
      down.close();
    }
  });
});
