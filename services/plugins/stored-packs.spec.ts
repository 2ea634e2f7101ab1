/**
 * Packs across nodes that share no folder: the installer on data dir A keeps each pack's tarball
 * in a real S3 server (s3rver, through the AWS SDK), and a pack host on data dir B, with its own
 * registry, unpacks and loads it from there; the installed_packs table is the real PostgreSQL.
 */
import { access, copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { NodeRegistry } from '../../engine/registry/node-registry';
import { startS3Server, type TestS3Server } from '../../test/support/s3-server';
import { packFolder, tarGz } from '../../test/support/tar-writer';
import { useTestDatabase } from '../../test/support/test-database';
import { ADMIN, databaseOpen, insertTestUsers } from '../../test/support/test-tenants';
import { S3BlobStore } from '../storage/s3-blob-store';
import { InstalledPackHost, packsDirOf } from './installed-pack-host';
import { InstalledPackEntity } from './installed-pack.entity';
import { InstalledPackRepository } from './installed-pack.repository';
import { PackInstaller } from './pack-installer';
import { packTarballKey } from './stored-packs';

const GREETING = path.resolve(__dirname, '../../test/fixtures/greeting-pack');
const exists = (file: string) => access(file).then(() => true, () => false);

describe('packs on the blob store', () => {
  const db = useTestDatabase([InstalledPackEntity]);
  let s3: TestS3Server;
  let blobs: S3BlobStore;
  let store: InstalledPackRepository;
  let scratch: string;
  let installer: PackInstaller;
  let dataDirB: string;

  /** A node on data dir B: its own registry and host. */
  const nodeB = (dataDir = dataDirB) => {
    const registry = new NodeRegistry();
    return { registry, host: new InstalledPackHost({ registry, store, packsDir: packsDirOf(dataDir), blobs }) };
  };
  const loaded = (host: InstalledPackHost) => host.status().map((state) => `${state.name}@${state.version}:${state.status}`);

  beforeAll(async () => {
    if (!databaseOpen(db)) return;
    await insertTestUsers(db.dataSource, [ADMIN]);
    store = new InstalledPackRepository(db.dataSource);
    scratch = await mkdtemp(path.join(os.tmpdir(), 'pinksea-stored-packs-'));
    s3 = await startS3Server('packs');
    blobs = new S3BlobStore(s3.storeOptions);
    const dataDirA = await mkdtemp(path.join(scratch, 'a-'));
    const hostA = new InstalledPackHost({ registry: new NodeRegistry(), store, packsDir: packsDirOf(dataDirA), blobs });
    installer = new PackInstaller({ store, host: hostA, packsDir: packsDirOf(dataDirA), blobs });
  }, 30_000);
  afterAll(async () => {
    blobs?.close();
    await s3?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });
  beforeEach(async () => {
    db.skipIfMissing();
    dataDirB = await mkdtemp(path.join(scratch, 'b-'));
  });
  afterEach(async () => {
    if (!databaseOpen(db)) return;
    for (const pack of await store.list()) await installer.uninstall(pack.name);
  });

  it('loads a pack uploaded on node A on node B from its stored tarball, and unloads and removes it after uninstall', async () => {
    const installed = await installer.installTarball(await packFolder(GREETING), ADMIN.id);
    expect(await blobs.head('packs/greeting-pack/1.0.0.tgz')).toEqual(jasmine.objectContaining({ key: 'packs/greeting-pack/1.0.0.tgz' }));
    expect(installed.installPath.startsWith(dataDirB)).toBeFalse();

    const { registry, host } = nodeB();
    await host.reconcile();
    expect(loaded(host)).toEqual(['greeting-pack@1.0.0:loaded']);
    expect(registry.lookup('greeting.hello').ok).toBeTrue();
    const folder = path.join(dataDirB, 'packs', 'greeting-pack', '1.0.0');
    expect((await readdir(folder)).filter((name) => !name.startsWith('.'))).toEqual(['greeting.node.js', 'package.json']);
    expect(await readdir(path.join(dataDirB, 'packs', '.staging'))).toEqual([]);

    await installer.uninstall('greeting-pack');
    expect(await blobs.head('packs/greeting-pack/1.0.0.tgz')).toBeUndefined();
    await host.reconcile();
    expect(loaded(host)).toEqual([]);
    expect(registry.lookup('greeting.hello').ok).toBeFalse();
    expect(await exists(folder)).toBeFalse();
  });

  it('stores a folder install packed, so other nodes get it too', async () => {
    await installer.installFolder(GREETING, ADMIN.id);
    const { registry, host } = nodeB();
    await host.reconcile();
    expect(loaded(host)).toEqual(['greeting-pack@1.0.0:loaded']);
    expect(registry.lookup('greeting.hello').ok).toBeTrue();
  });

  it('unpacks again when the same version was installed anew while the node was away', async () => {
    const source = path.join(scratch, 'greeting-source');
    const writeNode = (title: string) =>
      writeFile(
        path.join(source, 'greeting.node.js'),
        `const { defineNode, field, output } = require('@pinksea/node-sdk');\nexports.default = defineNode({ type: 'greeting.hello', title: '${title}', description: 'Greets.', category: 'text', version: '1.0.0', inputs: { name: field.string() }, outputs: { text: output.string() }, invoke: ({ name }) => ({ text: name }) });\n`,
      );
    await mkdir(source, { recursive: true });
    await copyFile(path.join(GREETING, 'package.json'), path.join(source, 'package.json'));
    await writeNode('Hello');
    await installer.installFolder(source, ADMIN.id);
    await nodeB().host.reconcile();

    await installer.uninstall('greeting-pack');
    await writeNode('Ahoy');
    await installer.installFolder(source, ADMIN.id);
    // A new process on data dir B: the one before stopped before the uninstall reached it. (This
    // spec's process still holds the old module in require's cache, so the files tell.)
    const { host } = nodeB();
    await host.reconcile();
    expect(loaded(host)).toEqual(['greeting-pack@1.0.0:loaded']);
    expect(await readFile(path.join(dataDirB, 'packs', 'greeting-pack', '1.0.0', 'greeting.node.js'), 'utf8')).toContain("title: 'Ahoy'");
  });

  it('refuses a stored tarball that fails the upload checks or names another pack, and says when none is stored', async () => {
    const record = { version: '1.0.0', description: '', source: 'tarball' as const, installPath: '/elsewhere', nodeTypes: ['evil.x'], installedBy: ADMIN.id };
    const manifest = (name: string) => JSON.stringify({ name, version: '1.0.0', pinksea: { apiVersion: 1, nodes: ['a.node.js'] } });
    await blobs.put(packTarballKey('evil-pack', '1.0.0'), tarGz([{ name: 'package/package.json', data: manifest('evil-pack') }, { name: 'package/../../escaped.js', data: 'x' }]));
    await store.insert({ ...record, name: 'evil-pack' });
    await blobs.put(packTarballKey('@scope/swapped', '1.0.0'), tarGz([{ name: 'package/package.json', data: manifest('other-pack') }, { name: 'package/a.node.js', data: '' }]));
    await store.insert({ ...record, name: '@scope/swapped' });
    await store.insert({ ...record, name: 'unstored-pack' });

    const { registry, host } = nodeB();
    await host.reconcile();
    const states = new Map(host.status().map((state) => [state.name, state]));
    expect(states.get('evil-pack')).toEqual(jasmine.objectContaining({ status: 'failed' }));
    expect(states.get('evil-pack')!.error).toContain('The stored tarball of evil-pack@1.0.0 was refused: the entry "package/../../escaped.js" would be written outside the pack folder');
    expect(states.get('@scope/swapped')!.error).toBe('The stored tarball of @scope/swapped@1.0.0 holds other-pack@1.0.0');
    expect(states.get('unstored-pack')!.error).toContain('its tarball is missing from storage');
    expect(registry.loadedPacks()).toEqual([]);
    expect((await readdir(path.join(dataDirB, 'packs'))).sort()).toEqual(['.staging', 'node_modules']);
    expect(await readdir(path.join(dataDirB, 'packs', '.staging'))).toEqual([]);
    expect(await exists(path.join(scratch, 'escaped.js'))).toBeFalse();
  });

  it('records nothing when the store cannot take the tarball', async () => {
    const down = new S3BlobStore({ ...s3.storeOptions, endpoint: 'http://127.0.0.1:9' });
    const dataDir = await mkdtemp(path.join(scratch, 'down-'));
    const host = new InstalledPackHost({ registry: new NodeRegistry(), store, packsDir: packsDirOf(dataDir), blobs: down });
    try {
      const refused = await new PackInstaller({ store, host, packsDir: packsDirOf(dataDir), blobs: down }).installTarball(await packFolder(GREETING), ADMIN.id).catch((error: unknown) => error);
      expect(refused).toEqual(jasmine.objectContaining({ code: 'storage_unavailable', kind: 'transient' }));
      expect(await store.list()).toEqual([]);
      expect(host.status()).toEqual([]);
      expect(await exists(path.join(dataDir, 'packs', 'greeting-pack'))).toBeFalse();
    } finally {
      down.close();
    }
  });
});
