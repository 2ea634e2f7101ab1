import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { NodeRegistry } from '../../engine/registry/node-registry';
import { startTestPlatform, type TestPlatform } from '../../test/support/test-platform';
import { createNodesService } from '../nodes/nodes.service';
import { isStudioRoute } from './studio-assets';

const INDEX = '<!doctype html><title>Pinksea Studio</title><app-root></app-root>';

describe('the studio at /', () => {
  let dir: string;
  let platform: TestPlatform;
  let origin: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-studio-'));
    await writeFile(path.join(dir, 'index.html'), INDEX);
    await writeFile(path.join(dir, 'main-ABC123.js'), 'console.log("studio")');
    platform = await startTestPlatform([createNodesService(new NodeRegistry())], { studioDir: dir });
    origin = new URL(platform.url).origin;
  });
  afterAll(async () => {
    await platform.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves index.html at / and the bundles by name, caching only the hashed bundles', async () => {
    const root = await fetch(`${origin}/`);
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toContain('text/html');
    expect(root.headers.get('cache-control')).toBe('no-cache');
    expect(await root.text()).toBe(INDEX);
    const bundle = await fetch(`${origin}/main-ABC123.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('javascript');
    expect(bundle.headers.get('cache-control')).toContain('immutable');
  });

  it("falls back to index.html for the studio's own routes, so a reload works", async () => {
    for (const route of ['/gallery', '/queue/', '/generate?model=x']) {
      const response = await fetch(`${origin}${route}`);
      expect(response.status).withContext(route).toBe(200);
      expect(await response.text()).withContext(route).toBe(INDEX);
    }
  });

  it('answers a missing file, a non-GET and anything under the API with 404, not the studio', async () => {
    expect((await fetch(`${origin}/missing.js`)).status).toBe(404);
    expect((await fetch(`${origin}/gallery`, { method: 'POST' })).status).toBe(404);
    const api = await fetch(`${origin}/api/v1/nothing-here`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('application/json');
    expect((await fetch(`${origin}/api/v1/main-ABC123.js`)).status).toBe(404);
    expect((await fetch(`${origin}/api/v1/nodes`)).status).toBe(200);
  });

  it('does not serve files outside its folder', async () => {
    const response = await fetch(`${origin}/..%2f..%2fetc%2fpasswd`);
    expect(response.status).not.toBe(200);
  });

  it('tells studio pages from files and API paths', () => {
    expect(isStudioRoute({ method: 'GET', url: '/models' })).toBeTrue();
    expect(isStudioRoute({ method: 'HEAD', url: '/' })).toBeTrue();
    expect(isStudioRoute({ method: 'GET', url: '/favicon.ico' })).toBeFalse();
    expect(isStudioRoute({ method: 'GET', url: '/api/v1' })).toBeFalse();
    expect(isStudioRoute({ method: 'GET', url: '/api/v1/images' })).toBeFalse();
    expect(isStudioRoute({ method: 'DELETE', url: '/gallery' })).toBeFalse();
  });
});

describe('the gateway without a studio build', () => {
  it('answers / with 404 and keeps the API', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'pinksea-nostudio-'));
    const platform = await startTestPlatform([createNodesService(new NodeRegistry())], { studioDir: empty });
    try {
      const origin = new URL(platform.url).origin;
      expect((await fetch(`${origin}/`)).status).toBe(404);
      expect((await fetch(`${origin}/api/v1/nodes`)).status).toBe(200);
    } finally {
      await platform.stop();
      await rm(empty, { recursive: true, force: true });
    }
  });
});
