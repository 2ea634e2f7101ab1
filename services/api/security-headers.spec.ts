import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Context, ServiceSchema } from 'moleculer';
import { startTestPlatform, type TestPlatform } from '../../test/support/test-platform';
import { NotFoundError } from '../kernel/service-errors';
import { createDocsService } from './docs.service';
import { inlineScriptHashes, securityHeadersMiddleware } from './security-headers';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f0b3b20000000049454e44ae426082', 'hex');
/** What Angular's critical-CSS inlining writes into a production index.html. */
const STUDIO_INDEX = `<!doctype html><html><head><base href="/"><style>body{margin:0}</style><link rel="stylesheet" href="styles-ABC.css" media="print" onload="this.media='all'"><noscript><link rel="stylesheet" href="styles-ABC.css"></noscript></head><body><ps-root></ps-root><script src="main-XYZ.js" type="module"></script></body></html>`;

const sha256 = (code: string) => `'sha256-${createHash('sha256').update(code).digest('base64')}'`;

const probe: ServiceSchema = {
  name: 'probe',
  settings: { rest: '/' },
  actions: {
    json: { rest: 'GET /probe/json', auth: 'none', params: {}, handler: () => ({ ok: true }) },
    missing: {
      rest: 'GET /probe/missing',
      auth: 'none',
      params: {},
      handler: () => {
        throw new NotFoundError('thing', 'x');
      },
    },
    image: {
      rest: 'GET /probe/image.png',
      auth: 'none',
      params: {},
      handler(ctx: Context<unknown, { $responseType?: string }>) {
        ctx.meta.$responseType = 'image/png';
        return PNG;
      },
    },
  },
};

describe('security headers on every answer of the gateway', () => {
  let platform: TestPlatform;
  let studioDir: string;
  let origin: string;

  beforeAll(async () => {
    studioDir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-studio-'));
    await writeFile(path.join(studioDir, 'index.html'), STUDIO_INDEX);
    await writeFile(path.join(studioDir, 'main-XYZ.js'), 'console.log("studio")');
    platform = await startTestPlatform([probe, createDocsService()], { studioDir });
    origin = new URL(platform.url).origin;
  }, 30_000);

  afterAll(async () => {
    await platform?.stop();
    if (studioDir) await rm(studioDir, { recursive: true, force: true });
  });

  const answers: [string, string, number, RegExp][] = [
    ['JSON', '/api/v1/probe/json', 200, /application\/json/],
    ['an error from an action', '/api/v1/probe/missing', 404, /application\/json/],
    ['an unknown API route', '/api/v1/no/such/route', 404, /application\/json/],
    ['a refused credential', '/api/v1/probe/json', 401, /application\/json/],
    ['an image', '/api/v1/probe/image.png', 200, /image\/png/],
    ['the API reference', '/api/v1/openapi.json', 200, /application\/json/],
    ['the studio index', '/', 200, /text\/html/],
    ['a studio route', '/gallery', 200, /text\/html/],
    ['a studio script', '/main-XYZ.js', 200, /javascript/],
  ];

  for (const [what, route, status, type] of answers) {
    it(`sets them on ${what}`, async () => {
      const headers: Record<string, string> = status === 401 ? { authorization: 'Bearer not-a-token junk' } : {};
      const response = await fetch(`${origin}${route}`, { headers });
      await response.arrayBuffer();
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(type);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(response.headers.get('x-powered-by')).toBeNull();
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'self'");
      expect(csp).not.toContain('upgrade-insecure-requests');
    });
  }

  it('lets the studio run: its own scripts, its inline stylesheet loader by hash, inline styles and blob images', async () => {
    const csp = (await fetch(`${origin}/`)).headers.get('content-security-policy') ?? '';
    const directive = (name: string) => csp.split(';').map((part) => part.trim()).find((part) => part.startsWith(`${name} `)) ?? '';
    expect(directive('script-src')).toBe("script-src 'self'");
    expect(directive('script-src-attr')).toBe(`script-src-attr 'unsafe-hashes' ${sha256("this.media='all'")}`);
    expect(directive('style-src')).toBe("style-src 'self' 'unsafe-inline'");
    expect(directive('img-src')).toBe("img-src 'self' data: blob:");
  });
});

describe('securityHeadersMiddleware', () => {
  const imgSrcOf = (imageOrigins: readonly string[]) => {
    const headers = new Map<string, string>();
    const res = { setHeader: (name: string, value: string) => headers.set(name.toLowerCase(), value), removeHeader: () => undefined };
    securityHeadersMiddleware(undefined, imageOrigins)({} as never, res as never);
    return (headers.get('content-security-policy') ?? '').split(';').find((part) => part.startsWith('img-src'));
  };

  it('allows images from the blob store\'s origin alone, where images are redirected to presigned URLs', () => {
    expect(imgSrcOf(['https://pinksea.s3.eu-west-1.amazonaws.com/images/x.png?X-Amz-Signature=1'])).toBe("img-src 'self' data: blob: https://pinksea.s3.eu-west-1.amazonaws.com");
    expect(imgSrcOf(['http://127.0.0.1:9000'])).toBe("img-src 'self' data: blob: http://127.0.0.1:9000");
    expect(imgSrcOf([])).toBe("img-src 'self' data: blob:");
    expect(() => imgSrcOf(['javascript:alert(1)'])).toThrowError(RangeError);
  });
});

describe('inlineScriptHashes', () => {
  it('hashes inline scripts and event handlers as the browser sees them, not scripts with a src', () => {
    const html = `<script>window.a = 1;</script><script src="x.js"></script><script type="module" src='y.js'></script><img onerror="go(&quot;x&quot;)"><link onload='this.media="all"'>`;
    expect(inlineScriptHashes(html)).toEqual({
      scripts: [sha256('window.a = 1;')],
      handlers: [sha256('go("x")'), sha256('this.media="all"')],
    });
    expect(inlineScriptHashes('<p>nothing inline</p>')).toEqual({ scripts: [], handlers: [] });
  });
});
