import { NodeError } from '../../engine/errors';
import { rejectionOf } from '../../nodes/sdk/testing';
import { useTestDatabase } from '../../test/support/test-database';
import { ALICE, BOB, databaseOpen, insertTestUsers } from '../../test/support/test-tenants';
import { SecretBox } from '../automations/secret-box';
import { createCredentialAccess } from './credential-access';
import { CredentialRepository } from './credential.repository';
import { CredentialEntity } from './credential.entity';

describe('credential access for a run (ctx.credentials)', () => {
  const db = useTestDatabase([CredentialEntity]);
  const secrets = new SecretBox('a test secrets key');
  let records: CredentialRepository;
  let alicesId: string;

  beforeAll(async () => {
    if (!databaseOpen(db)) return;
    await insertTestUsers(db.dataSource, [ALICE, BOB]);
    records = new CredentialRepository(db.dataSource);
    const sealed = secrets.seal(JSON.stringify({ kind: 'header', headerName: 'X-Api-Key', value: 'alice-secret' }));
    alicesId = (await records.create(ALICE.id, { name: 'api', kind: 'header', sealed })).id;
  });
  beforeEach(() => db.skipIfMissing());

  const timesOf = async (id: string) =>
    ((await db.dataSource.query(`SELECT updated_at AS "updatedAt", last_used_at AS "lastUsedAt" FROM credentials WHERE id = $1`, [id])) as { updatedAt: Date; lastUsedAt: Date | null }[])[0]!;

  it('opens the run owner’s credential as headers to add, and marks it used without touching updated_at', async () => {
    const before = await timesOf(alicesId);
    const resolved = await createCredentialAccess({ records, secrets, ownerId: ALICE.id }).use(alicesId);
    expect({ ...resolved }).toEqual({ headers: { 'x-api-key': 'alice-secret' }, query: {} });
    expect(JSON.stringify(resolved)).not.toContain('alice-secret');
    const after = await timesOf(alicesId);
    expect(after.lastUsedAt).not.toBeNull();
    expect(after.lastUsedAt!.getTime()).toBeGreaterThanOrEqual(before.updatedAt.getTime());
    expect(after.updatedAt).toEqual(before.updatedAt);
  });

  it('answers another user’s id as it answers a made-up one: unknown_credential, naming the field', async () => {
    const bobs = createCredentialAccess({ records, secrets, ownerId: BOB.id });
    const before = await timesOf(alicesId);
    for (const id of [alicesId, '00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const error = await rejectionOf(bobs.use(id, 'apiKey'));
      expect(error).withContext(id).toBeInstanceOf(NodeError);
      expect(error).withContext(id).toEqual(jasmine.objectContaining({ code: 'unknown_credential', field: 'apiKey', kind: 'user' }));
      expect(String((error as Error).message)).not.toContain('alice-secret');
    }
    // Bob's tries did not count as uses of Alice's credential.
    expect(await timesOf(alicesId)).toEqual(before);
    expect(await rejectionOf(bobs.use(alicesId))).toEqual(jasmine.objectContaining({ field: 'credential' }));
  });
});
