import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { downloadModel } from './model-download';
import { UrlNotAllowedError, type Lookup } from '../../nodes/sdk/url-guard';

describe('model downloads: redirects checked hop by hop, connections pinned', () => {
  const MODEL = Buffer.from('pretend onnx bytes');
  let server: http.Server;
  let port: number;
  let folder: string;
  let hits: string[];
  /** Where /start redirects to, set by each spec. */
  let redirectTo: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/start') {
        res.writeHead(302, { location: redirectTo });
        res.end();
      } else if (req.url === '/model.onnx') {
        res.writeHead(200, { 'content-length': MODEL.length });
        res.end(MODEL);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(async () => {
    hits = [];
    folder = await mkdtemp(path.join(os.tmpdir(), 'pinksea-download-'));
  });

  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  /**
   * `mirror.test` is this spec's server, admitted as an exact allowed address (a model mirror
   * inside the network); every other non-public address stays refused. `internal.test` is a name
   * whose address is private.
   */
  function options(lookups: string[] = [], answer: (hostname: string, call: number) => string = (hostname) => (hostname === 'mirror.test' ? '127.0.0.1' : '10.0.0.7')) {
    const lookup: Lookup = async (hostname) => {
      lookups.push(hostname);
      const address = answer(hostname, lookups.length);
      return [{ address, family: address.includes(':') ? 6 : 4 }];
    };
    return { allowPrivate: false, allowedAddresses: ['127.0.0.1'], lookup, maxBytes: 1024, signal: new AbortController().signal, onProgress: () => undefined };
  }

  it('follows a redirect to an allowed host, resolving each hop once', async () => {
    redirectTo = `http://mirror.test:${port}/model.onnx`;
    const lookups: string[] = [];
    const fetched = await downloadModel(`http://mirror.test:${port}/start`, folder, options(lookups));
    expect(await readFile(fetched.location)).toEqual(MODEL);
    expect(hits).toEqual(['/start', '/model.onnx']);
    expect(lookups).toEqual(['mirror.test', 'mirror.test']);
  });

  it('refuses a redirect to a non-public address, though a live server waits there', async () => {
    for (const target of [
      `http://[::ffff:127.0.0.1]:${port}/model.onnx`,
      `http://[::ffff:7f00:1]:${port}/model.onnx`,
      `http://internal.test:${port}/model.onnx`,
      `http://[::7f00:1]:${port}/model.onnx`,
      `http://169.254.169.254/latest/meta-data/`,
    ]) {
      redirectTo = target;
      hits = [];
      await expectAsync(downloadModel(`http://mirror.test:${port}/start`, folder, options())).withContext(target).toBeRejectedWithError(UrlNotAllowedError);
      expect(hits).withContext(target).toEqual(['/start']);
    }
    // The same hop, with private URLs allowed, reaches the server: the guard, not the network, refused it.
    redirectTo = `http://[::ffff:127.0.0.1]:${port}/model.onnx`;
    hits = [];
    const fetched = await downloadModel(`http://mirror.test:${port}/start`, folder, { ...options(), allowPrivate: true, lookup: async () => [{ address: '127.0.0.1', family: 4 }] });
    expect(await readFile(fetched.location)).toEqual(MODEL);
    expect(hits).toEqual(['/start', '/model.onnx']);
  });

  it('connects to the address it checked, however the name answers afterwards (DNS rebinding)', async () => {
    const lookups: string[] = [];
    // First answer allowed, every later one private: a second resolution at connect time would be refused.
    const rebinding = options(lookups, (_hostname, call) => (call === 1 ? '127.0.0.1' : '10.0.0.7'));
    const fetched = await downloadModel(`http://mirror.test:${port}/model.onnx`, folder, rebinding);
    expect(await readFile(fetched.location)).toEqual(MODEL);
    expect(lookups).toEqual(['mirror.test']);
    expect(hits).toEqual(['/model.onnx']);
  });

  it('stops after five redirects', async () => {
    redirectTo = `http://mirror.test:${port}/start`;
    await expectAsync(downloadModel(`http://mirror.test:${port}/start`, folder, options())).toBeRejectedWithError(/redirected more than 5 times/);
    expect(hits.length).toBe(6);
  });
});
