import sharp from 'sharp';
import { createTestContext, expectNodeError, invokeNode, MemoryContextHost, rejectionOf } from '@pinksea/node-sdk/testing';
import { bytes, redirect, startTestServer, TEST_NETWORK, type TestServer } from './http-testing';
import imageFromUrl from './image-from-url.node';

describe('http.image_from_url', () => {
  let server: TestServer;
  let png: Buffer;
  let webp: Buffer;

  beforeAll(async () => {
    server = await startTestServer();
    png = await sharp({ create: { width: 4, height: 3, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0.5 } } }).png().toBuffer();
    webp = await sharp({ create: { width: 2, height: 5, channels: 3, background: '#123456' } }).webp().toBuffer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.received.length = 0;
    server.routes.clear();
  });

  const context = (network = true) => createTestContext({ host: new MemoryContextHost(undefined, network ? { network: TEST_NETWORK } : {}), type: 'http.image_from_url' });

  it('downloads a PNG or WebP image, stores it as an intermediate image and gives its size', async () => {
    server.routes.set('/a.png', bytes(png, 'image/png'));
    // The bytes decide, not the Content-Type.
    server.routes.set('/b', bytes(webp, 'application/octet-stream'));
    const { ctx, host } = context();
    const first = await invokeNode(imageFromUrl, { url: `${server.base}/a.png` }, ctx);
    expect([first.width, first.height]).toEqual([4, 3]);
    expect(host.images.images.get(first.image.imageName)).toEqual(jasmine.objectContaining({ format: 'png', width: 4, height: 3, intermediate: true }));
    const second = await invokeNode(imageFromUrl, { url: `${server.base}/b` }, ctx);
    expect(host.images.images.get(second.image.imageName)).toEqual(jasmine.objectContaining({ format: 'webp', width: 2, height: 5 }));
  });

  it('refuses what is not a PNG, JPEG or WebP image, whatever its Content-Type says', async () => {
    server.routes.set('/svg', bytes('<svg xmlns="http://www.w3.org/2000/svg"/>', 'image/svg+xml'));
    server.routes.set('/gif', bytes(Buffer.from('GIF89a\u0001\u0000\u0001\u0000'), 'image/gif'));
    server.routes.set('/fake', bytes(Buffer.concat([png.subarray(0, 16), Buffer.alloc(16)]), 'image/png'));
    for (const path of ['/svg', '/gif', '/fake']) {
      const { ctx, host } = context();
      const error = await rejectionOf(invokeNode(imageFromUrl, { url: `${server.base}${path}` }, ctx));
      expect(error).withContext(path).toEqual(jasmine.objectContaining({ code: 'not_an_image', field: 'url' }));
      expect(host.images.images.size).toBe(0);
    }
  });

  it('refuses a file past the size limit, and a 404', async () => {
    server.routes.set('/big.png', bytes(Buffer.concat([png, Buffer.alloc(2048)]), 'image/png'));
    await expectNodeError(() => invokeNode(imageFromUrl, { url: `${server.base}/big.png`, maxResponseKb: 1 }, context().ctx), 'response_too_large', 'maxResponseKb');
    await expectNodeError(() => invokeNode(imageFromUrl, { url: `${server.base}/missing.png` }, context().ctx), 'http_error', 'url');
  });

  it('refuses 127.0.0.1 with the default guard, and a redirect to a private address', async () => {
    server.routes.set('/a.png', bytes(png, 'image/png'));
    await expectNodeError(() => invokeNode(imageFromUrl, { url: `${server.base}/a.png` }, context(false).ctx), 'url_not_allowed', 'url');
    server.routes.set('/go', redirect('http://169.254.169.254/latest/meta-data/iam'));
    await expectNodeError(() => invokeNode(imageFromUrl, { url: `${server.base}/go` }, context().ctx), 'url_not_allowed', 'url');
    await expectNodeError(() => invokeNode(imageFromUrl, { url: 'file:///etc/hostname' }, context().ctx), 'url_not_allowed', 'url');
    expect(server.received.map((received) => received.url)).toEqual(['/go']);
  });
});
