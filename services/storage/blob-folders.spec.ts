import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BlobTooLargeError } from './blob-store';
import { blobKeyOfPath, deletePrefix, fetchKeys, keySegmentOf, keysUnder, nameOfKeySegment, pathOfBlobKey, putFolder, UnstorableNameError } from './blob-folders';
import { LocalBlobStore } from './local-blob-store';

describe('blob folders', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'pinksea-blob-folders-'));
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('keeps safe names as they are and encodes the rest, so every key reads back as one path', () => {
    expect(keySegmentOf('model.onnx')).toBe('model.onnx');
    for (const name of ['tiny sd', '.gitattributes', '@scope', '_x_looks-encoded', 'ü.onnx', '1.0.0+build.tgz']) {
      const segment = keySegmentOf(name);
      expect(segment).withContext(name).toMatch(/^_x_[0-9a-f]+$/);
      expect(nameOfKeySegment(segment)).toBe(name);
    }
    expect(blobKeyOfPath('models/k/', 'tiny sd/unet/model.onnx')).toBe(`models/k/_x_${Buffer.from('tiny sd').toString('hex')}/unet/model.onnx`);
    expect(pathOfBlobKey('models/k/', blobKeyOfPath('models/k/', 'tiny sd/.hidden'))).toBe('tiny sd/.hidden');
    expect(() => keySegmentOf('x'.repeat(150) + ' ')).toThrowError(UnstorableNameError);
  });

  it('refuses stored names that would leave the folder', () => {
    for (const name of ['..', '.', 'a/b', 'a\\b', '']) {
      const segment = `_x_${Buffer.from(name).toString('hex')}`;
      expect(() => nameOfKeySegment(segment)).withContext(name).toThrowError(UnstorableNameError);
    }
    expect(() => pathOfBlobKey('models/k/', 'models/other/x')).toThrowError(UnstorableNameError);
  });

  it('puts a folder under a prefix and fetches it back into another, bounded', async () => {
    const source = path.join(scratch, 'source');
    await mkdir(path.join(source, 'odd dir'), { recursive: true });
    await writeFile(path.join(source, 'a.bin'), 'aaaa');
    await writeFile(path.join(source, 'odd dir', '.hidden'), 'hh');
    const store = new LocalBlobStore(path.join(scratch, 'store'));
    const keys = await putFolder(store, source, 'things/');
    expect((await keysUnder(store, 'things/')).map((found) => found.key)).toEqual([...keys].sort());

    const target = path.join(scratch, 'target');
    const seen: string[] = [];
    const fetched = await fetchKeys(store, 'things/', keys, target, { observe: (relative) => seen.push(relative) });
    expect(fetched.map((file) => [file.path, file.size])).toEqual([['a.bin', 4], ['odd dir/.hidden', 2]]);
    expect(await readFile(path.join(target, 'odd dir', '.hidden'), 'utf8')).toBe('hh');
    expect(new Set(seen)).toEqual(new Set(['a.bin', 'odd dir/.hidden']));

    await expectAsync(fetchKeys(store, 'things/', keys, path.join(scratch, 'bounded'), { maxBytes: 5 })).toBeRejectedWith(jasmine.any(BlobTooLargeError));
    expect(await deletePrefix(store, 'things/')).toBe(2);
    expect(await keysUnder(store, 'things/')).toEqual([]);
  });

  it('leaves a file that already lies at its key in a folder store as it is', async () => {
    const root = path.join(scratch, 'data');
    await mkdir(path.join(root, 'models', 'k'), { recursive: true });
    await writeFile(path.join(root, 'models', 'k', 'm.onnx'), 'model');
    const store = new LocalBlobStore(root);
    expect(await putFolder(store, path.join(root, 'models', 'k'), 'models/k/')).toEqual(['models/k/m.onnx']);
    expect(await readdir(path.join(root, 'models', 'k'))).toEqual(['m.onnx']);
  });
});
