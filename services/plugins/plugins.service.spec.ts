import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { NodeRegistry } from '../../engine/registry/node-registry';
import { packFolder, tarGz } from '../../test/support/tar-writer';
import { useTestDatabase } from '../../test/support/test-database';
import { request, startTestPlatform, type TestPlatform } from '../../test/support/test-platform';
import { ADMIN, ALICE, databaseOpen, insertTestUsers, testAccounts } from '../../test/support/test-tenants';
import { createNodesService } from '../nodes/nodes.service';
import { LocalBlobStore } from '../storage/local-blob-store';
import { FIRST_PARTY_PACKS } from './first-party-packs';
import { InstalledPackHost, packsDirOf } from './installed-pack-host';
import { InstalledPackEntity } from './installed-pack.entity';
import { InstalledPackRepository } from './installed-pack.repository';
import { PackInstaller } from './pack-installer';
import { loadPackFromFolder } from './pack-loader';
import { createPluginAgentService } from './plugin-agent.service';
import { createPluginsService, type PackListing } from './plugins.service';

const GREETING = path.resolve(__dirname, '../../test/fixtures/greeting-pack');

describe('plugins service', () => {
  const db = useTestDatabase([InstalledPackEntity]);
  let platform: TestPlatform;
  let dataDir: string;
  let scratch: string;
  const registry = new NodeRegistry();

  beforeAll(async () => {
    if (!databaseOpen(db)) return;
    await insertTestUsers(db.dataSource, [ALICE, ADMIN]);
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-plugins-'));
    scratch = await mkdtemp(path.join(os.tmpdir(), 'pinksea-plugin-src-'));
    await loadPackFromFolder(FIRST_PARTY_PACKS[0]!, registry);
    const store = new InstalledPackRepository(db.dataSource);
    const blobs = new LocalBlobStore(dataDir);
    const host = new InstalledPackHost({ registry, store, packsDir: packsDirOf(dataDir), blobs });
    const installer = new PackInstaller({ store, host, packsDir: packsDirOf(dataDir), blobs });
    platform = await startTestPlatform([createPluginsService({ installer, maxUploadBytes: 1024 * 1024 }), createPluginAgentService(host), createNodesService(registry), testAccounts]);
  }, 30_000);
  afterAll(async () => {
    await platform?.stop();
    for (const folder of [dataDir, scratch]) if (folder) await rm(folder, { recursive: true, force: true });
  });
  beforeEach(() => db.skipIfMissing());
  afterEach(async () => {
    if (!databaseOpen(db)) return;
    for (const pack of await new InstalledPackRepository(db.dataSource).list()) await request(platform.url, 'DELETE', `/plugins/${pack.name}`, { token: ADMIN.token });
  });

  const install = (folder: string, token = ADMIN.token) => request<{ name: string; nodeTypes: string[] }>(platform.url, 'POST', '/plugins/install', { token, body: { folder } });
  const upload = (bytes: Buffer, token = ADMIN.token) =>
    request<{ name: string; error?: { code: string; message: string } }>(platform.url, 'POST', '/plugins/upload', { token, rawBody: bytes, headers: { 'content-type': 'application/gzip' } });
  const hasType = async (type: string) => (await request(platform.url, 'GET', `/nodes/${type}`)).status === 200;
  const installedRows = async () => (await db.dataSource.query('SELECT name FROM installed_packs')) as unknown[];

  async function writePack(name: string, files: Record<string, string>, pinksea: object = { apiVersion: 1, nodes: Object.keys(files) }): Promise<string> {
    const folder = path.join(scratch, name);
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'package.json'), JSON.stringify({ name, version: '1.0.0', pinksea }));
    for (const [file, text] of Object.entries(files)) await writeFile(path.join(folder, file), text);
    return folder;
  }

  it('installs a folder pack into the data dir, lists it with its load status, and uninstalls it', async () => {
    const installed = await install(GREETING);
    expect(installed.status).withContext(JSON.stringify(installed.body)).toBe(201);
    expect(installed.body).toEqual(jasmine.objectContaining({ name: 'greeting-pack', version: '1.0.0', source: 'folder', nodeTypes: ['greeting.hello'], enabled: true, installedBy: ADMIN.id }));
    expect(await readdir(path.join(dataDir, 'packs', 'greeting-pack', '1.0.0'))).toEqual(['greeting.node.js', 'package.json']);
    expect(await hasType('greeting.hello')).toBeTrue();

    const listed = await request<PackListing[]>(platform.url, 'GET', '/plugins', { token: ADMIN.token });
    expect(listed.status).toBe(200);
    expect(listed.body.map((pack) => [pack.name, pack.nodeTypes, pack.nodes.map((node) => node.status)])).toEqual([['greeting-pack', ['greeting.hello'], ['loaded']]]);

    expect((await install(GREETING)).status).toBe(409);
    const removed = await request(platform.url, 'DELETE', '/plugins/greeting-pack', { token: ADMIN.token });
    expect(removed.status).toBe(200);
    expect(await hasType('greeting.hello')).toBeFalse();
    expect(await installedRows()).toEqual([]);
    expect((await request(platform.url, 'DELETE', '/plugins/greeting-pack', { token: ADMIN.token })).status).toBe(404);
  });

  it('installs the same pack from an npm-pack tarball', async () => {
    const response = await upload(await packFolder(GREETING));
    expect(response.status).withContext(JSON.stringify(response.body)).toBe(201);
    expect(response.body).toEqual(jasmine.objectContaining({ name: 'greeting-pack', source: 'tarball' }));
    expect(await hasType('greeting.hello')).toBeTrue();
  });

  it('refuses a broken manifest and a node file that throws, keeping nothing', async () => {
    const broken = await writePack('broken-manifest', { 'x.node.js': '' }, { apiVersion: 99, nodes: ['x.node.js'] });
    const manifest = await install(broken);
    expect(manifest.status).toBe(400);
    expect(JSON.stringify(manifest.body)).toContain('apiVersion');

    const throwing = await writePack('throwing-pack', { 'bad.node.js': 'throw new TypeError("boom at load");' });
    const thrown = await install(throwing);
    expect(thrown.status).toBe(400);
    expect(JSON.stringify(thrown.body)).toContain('boom at load');
    expect(await installedRows()).toEqual([]);
    expect(await readdir(path.join(dataDir, 'packs'))).not.toContain('throwing-pack');
  });

  it('answers 409 for a type the core pack owns', async () => {
    const node = `const { defineNode, output } = require('@pinksea/node-sdk');
exports.default = defineNode({ type: 'core.add', title: 'Add', description: 'Not ours.', category: 'math', version: '9.0.0', inputs: {}, outputs: { value: output.integer() }, invoke: () => ({ value: 1 }) });\n`;
    const response = await install(await writePack('stealing-pack', { 'add.node.js': node }));
    expect(response.status).withContext(JSON.stringify(response.body)).toBe(409);
    expect(JSON.stringify(response.body)).toContain('core.add');
    expect(await installedRows()).toEqual([]);
  });

  it('refuses tarballs with entries outside the pack folder or links', async () => {
    const manifest = JSON.stringify({ name: 'evil-pack', version: '1.0.0', pinksea: { apiVersion: 1, nodes: ['a.node.js'] } });
    for (const evil of [
      [{ name: 'package/package.json', data: manifest }, { name: 'package/../../escaped.js', data: 'x' }],
      [{ name: '/etc/evil.js', data: 'x' }],
      [{ name: 'package/package.json', data: manifest }, { name: 'package/a.node.js', type: 'SymbolicLink' as const, linkTarget: '/etc/passwd' }],
    ]) {
      const response = await upload(tarGz(evil));
      expect(response.status).withContext(JSON.stringify(response.body)).toBe(422);
    }
    expect((await upload(Buffer.from('not a tarball'))).status).toBe(422);
    expect(await readdir(path.join(dataDir, 'packs'))).not.toContain('evil-pack');
    expect(await readdir(path.join(os.tmpdir()))).not.toContain('escaped.js');
    expect(await installedRows()).toEqual([]);
  });

  it('is for admins only', async () => {
    expect((await install(GREETING, ALICE.token)).status).toBe(403);
    expect((await upload(await packFolder(GREETING), ALICE.token)).status).toBe(403);
    expect((await request(platform.url, 'GET', '/plugins', { token: ALICE.token })).status).toBe(403);
    expect((await request(platform.url, 'DELETE', '/plugins/greeting-pack', { token: ALICE.token })).status).toBe(403);
  });
});
