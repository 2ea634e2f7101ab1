/**
 * Proves the architectural lint rules of eslint.config.mjs fire where they should and nowhere
 * else, by linting small snippets as if they lived at given paths in the repository.
 */
import { ESLint } from 'eslint';
import path from 'node:path';

let eslint: ESLint;

/** `rule: message` for each problem ESLint reports in `code` placed at `filePath`. */
async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => `${message.ruleId ?? 'parse'}: ${message.message}`);
}

describe('eslint.config.mjs', () => {
  beforeAll(async () => {
    eslint = new ESLint({ cwd: path.resolve(__dirname, '..') });
    await problems('engine/warm-up.ts', 'export const warm = 1;\n');
  }, 60_000);

  describe('engine boundary', () => {
    it('reports a Node built-in imported in engine/, with the reason', async () => {
      const found = await problems('engine/x.ts', "import fs from 'node:fs';\nexport const exists = fs.existsSync;\n");
      expect(found.length).toBe(1);
      expect(found[0]).toMatch(/^no-restricted-imports: .*node:fs.*pure core \(CONVENTIONS §1\)/);
    });

    it('allows the same import in services/', async () => {
      expect(await problems('services/x.ts', "import fs from 'node:fs';\nexport const exists = fs.existsSync;\n")).toEqual([]);
    });

    it('reports I/O and framework packages, bare built-ins and their subpaths, even as types', async () => {
      const sources = ['fs', 'fs/promises', 'http', 'https', 'net', 'child_process', 'node:http', 'moleculer', 'typeorm', 'typeorm/browser', 'pg', 'bullmq', 'ioredis', 'sharp', 'onnxruntime-node', 'axios', '@angular/core'];
      for (const source of sources) {
        const found = await problems('engine/graph/x.ts', `import type { X } from '${source}';\nexport type Y = X;\n`);
        expect(found.length).withContext(source).toBe(1);
        expect(found[0]).withContext(source).toMatch(/^no-restricted-imports: /);
      }
    });

    it('reports imports of services/, nodes/ and config/ from engine/', async () => {
      for (const source of ['../../services/plugins/pack-loader', '../../nodes/sdk/testing', '../config', '@pinksea/node-sdk']) {
        const found = await problems('engine/graph/x.ts', `export { x } from '${source}';\n`);
        expect(found.length).withContext(source).toBe(1);
      }
    });

    it('reports require() and import() in engine/', async () => {
      const found = await problems('engine/x.ts', "export const a = import('node:fs');\nexport const b = require('node:fs');\n");
      expect(found.filter((problem) => problem.startsWith('no-restricted-syntax: engine/ is the pure core')).length).toBe(2);
    });

    it('allows engine/ its own modules and a package that is not banned', async () => {
      expect(await problems('engine/graph/x.ts', "import { NodeError } from '../errors';\nexport const e = NodeError;\n")).toEqual([]);
      expect(await problems('engine/execution/x.ts', "import { LRUCache } from 'lru-cache';\nexport const c = LRUCache;\n")).toEqual([]);
    });

    it('lets engine specs use node packs and the SDK test helpers, but not services/', async () => {
      expect(await problems('engine/graph/x.spec.ts', "export { createTestContext } from '../../nodes/sdk/testing';\n")).toEqual([]);
      expect(await problems('engine/graph/x.spec.ts', "export { x } from '@pinksea/nodes-core';\n")).toEqual([]);
      expect((await problems('engine/graph/x.spec.ts', "export { x } from '../../services/plugins/pack-loader';\n")).length).toBe(1);
      expect((await problems('engine/graph/x.spec.ts', "export { x } from 'node:fs';\n")).length).toBe(1);
    });
  });

  describe('typed errors', () => {
    it('reports a bare Error thrown in nodes/ and services/', async () => {
      for (const file of ['nodes/core/x.node.ts', 'services/images/images.service.ts']) {
        const found = await problems(file, "export function f(): never {\n  throw new Error('no');\n}\n");
        expect(found.length).withContext(file).toBe(1);
        expect(found[0]).withContext(file).toContain('engine/errors.ts');
      }
    });

    it('allows typed errors there, and a bare Error in specs', async () => {
      const typed = "import { NodeError } from '@pinksea/node-sdk';\nexport function f(): never {\n  throw new NodeError('bad', 'no');\n}\n";
      expect(await problems('nodes/core/x.node.ts', typed)).toEqual([]);
      expect(await problems('nodes/core/x.node.spec.ts', "export function f(): never {\n  throw new Error('no');\n}\n")).toEqual([]);
    });
  });

  describe('pack boundary', () => {
    it('reports services/ imported from a pack, relative or not, even as types', async () => {
      for (const [file, source] of [
        ['nodes/diffusion/x.node.ts', '../../services/models/onnx-probe'],
        ['nodes/diffusion/src/schedulers/x.ts', '../../../../services/plugins/pack-loader'],
        ['nodes/diffusion/demo/x.ts', '../../../services'],
      ]) {
        const found = await problems(file!, `import type { X } from '${source}';\nexport type Y = X;\n`);
        expect(found.length).withContext(file!).toBe(1);
        expect(found[0]).withContext(file!).toMatch(/^no-restricted-imports: .*nothing in nodes\/ imports services\//);
      }
    });

    it('lets pack specs load the pack through the platform, and packs use the SDK and each other', async () => {
      expect(await problems('nodes/diffusion/x.spec.ts', "export { loadPackFromFolder } from '../../services/plugins/pack-loader';\n")).toEqual([]);
      expect(await problems('nodes/diffusion/x.ts', "export { NodeError } from '@pinksea/node-sdk';\nexport { x } from '@pinksea/nodes-image';\n")).toEqual([]);
    });

    it("reports services/ reaching into a pack's internals", async () => {
      for (const source of ['../../nodes/diffusion/src/sd-model', '../../nodes/diffusion/demo/tiny-sd-pipeline', '../../nodes/image/resize.node', '@pinksea/nodes-diffusion/src/sd-model']) {
        const found = await problems('services/generation/x.ts', `export { x } from '${source}';\n`);
        expect(found.length).withContext(source).toBe(1);
        expect(found[0]).withContext(source).toMatch(/^no-restricted-imports: .*public entry/);
      }
    });

    it("allows a pack's public entry, the SDK, the node catalogue service, and internals in specs", async () => {
      for (const source of ['../../nodes/diffusion', '../../nodes/diffusion/index', '@pinksea/nodes-diffusion', '../../nodes/sdk/memory-stores', '@pinksea/node-sdk', '../nodes/nodes.service']) {
        expect(await problems('services/generation/x.ts', `export { x } from '${source}';\n`)).withContext(source).toEqual([]);
      }
      expect(await problems('services/images/x.spec.ts', "export { default } from '../../nodes/image/resize.node';\n")).toEqual([]);
    });
  });

  describe('process.env', () => {
    const read = 'export const url = process.env.DATABASE_URL;\n';

    it('is reported outside config/', async () => {
      for (const file of ['services/x.ts', 'nodes/core/x.node.ts', 'engine/x.ts', 'bench/x.ts']) {
        const found = await problems(file, read);
        expect(found).withContext(file).toContain(jasmine.stringMatching(/^no-restricted-properties: .*Only config\//));
      }
    });

    it('is allowed in config/, scripts/ and specs', async () => {
      for (const file of ['config/database.config.ts', 'scripts/start.ts', 'services/x.spec.ts']) {
        expect(await problems(file, read)).withContext(file).toEqual([]);
      }
    });
  });
});
