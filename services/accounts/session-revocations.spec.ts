import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ServiceBroker } from 'moleculer';
import { loadConfig } from '../../config/config';
import { createBrokerOptions } from '../../moleculer.config';
import { eventually } from '../../test/support/eventually';
import { missingService, serviceUrls } from '../../test/support/services-available';
import { useTestDatabase } from '../../test/support/test-database';
import { request } from '../../test/support/test-platform';
import { createApiService, gatewayUrl, refreshRoutes } from '../api/api.service';
import type { Session } from './account-views';
import { ACCOUNT_ENTITIES } from './accounts.repository';
import { createAccountsService } from './accounts.service';
import { ManualClock, WIDE_LIMITS } from './accounts-testing';
import { SessionRevocations, type SessionsRevoked } from './session-revocations';

describe('SessionRevocations (the in-memory answer to "was this session signed out?")', () => {
  const LIVE_TTL = 5_000;
  let clock: ManualClock;
  let questions: string[];
  let live: Set<string>;
  let announced: SessionsRevoked[];
  let revocations: SessionRevocations;

  beforeEach(() => {
    clock = new ManualClock();
    questions = [];
    live = new Set(['a', 'b']);
    announced = [];
    revocations = new SessionRevocations(
      {
        isFamilyLive: async (familyId) => {
          questions.push(familyId);
          return live.has(familyId);
        },
        announce: (event) => announced.push(event),
        clock: clock.clock,
      },
      { liveTtlMs: LIVE_TTL, revokedTtlMs: 15 * 60_000 },
    );
  });

  it('asks the database once per session per interval, not per request', async () => {
    for (let i = 0; i < 20; i++) expect(await revocations.isRevoked('a')).toBeFalse();
    expect(questions).toEqual(['a']);
    clock.advance(LIVE_TTL);
    expect(await revocations.isRevoked('a')).toBeFalse();
    expect(questions).toEqual(['a']);
    // Signed out behind this process's back (an event it missed): seen after the interval.
    live.delete('a');
    clock.advance(1);
    expect(await revocations.isRevoked('a')).toBeTrue();
    expect(questions).toEqual(['a', 'a']);
    expect(await revocations.isRevoked('a')).toBeTrue();
    expect(questions).toEqual(['a', 'a']);
  });

  it('asks once for many concurrent requests of an unknown session', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => revocations.isRevoked('b')));
    expect(answers.every((revoked) => !revoked)).toBeTrue();
    expect(questions).toEqual(['b']);
  });

  it('marks a revocation at once, announces it, and never asks about it', async () => {
    expect(await revocations.isRevoked('a')).toBeFalse();
    revocations.revoke(['a', 'c']);
    expect(announced).toEqual([{ familyIds: ['a', 'c'] }]);
    expect(await revocations.isRevoked('a')).toBeTrue();
    expect(await revocations.isRevoked('c')).toBeTrue();
    expect(questions).toEqual(['a']);
    revocations.revoke([]);
    expect(announced.length).toBe(1);
  });

  it('lets a revocation heard while the database answers win over that older answer', async () => {
    const pending = revocations.isRevoked('a');
    revocations.markRevoked(['a']);
    expect(await pending).toBeTrue();
    expect(await revocations.isRevoked('a')).toBeTrue();
    expect(announced).toEqual([]);
  });
});

describe('session sign-outs across the cluster (two API processes over NATS)', () => {
  const db = useTestDatabase(ACCOUNT_ENTITIES);
  const brokers: ServiceBroker[] = [];
  const urls: string[] = [];
  let dataDir = '';
  let missing: string | undefined;

  beforeAll(async () => {
    try {
      void db.dataSource;
    } catch {
      return;
    }
    const nats = serviceUrls().nats;
    missing = await missingService('NATS', nats);
    if (missing) return;
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-revocations-'));
    const namespace = `revocations-${randomBytes(4).toString('hex')}`;
    // A minute between database checks: only the broadcast can tell the other process in time.
    const accounts = { jwtSecret: 'cluster-spec-secret-cluster-spec-secret', dataDir, accessTokenTtlMs: 15 * 60_000, refreshTokenTtlMs: 86_400_000, sessionCheckIntervalMs: 60_000 };
    for (const name of ['a', 'b']) {
      const config = loadConfig({ PINKSEA_LOG_LEVEL: 'error', PINKSEA_NODE_ID: `${namespace}-${name}`, PINKSEA_NAMESPACE: namespace, PINKSEA_TRANSPORTER: nats });
      const broker = new ServiceBroker(createBrokerOptions(config));
      broker.createService(createAccountsService({ dataSource: db.dataSource, config: accounts, rateLimits: WIDE_LIMITS }));
      const api = broker.createService(createApiService({ port: 0, host: '127.0.0.1' }));
      await broker.start();
      refreshRoutes(api);
      brokers.push(broker);
      urls.push(gatewayUrl(api as never));
    }
    // Each process must know the other's accounts service, or the broadcast has nobody to reach.
    const accountsSeen = (broker: ServiceBroker) => broker.registry.getServiceList({ onlyAvailable: true }).filter((service) => service.name === 'accounts').length;
    await eventually(() => brokers.every((broker) => accountsSeen(broker) === 2), 15_000, 'both processes to see both accounts services');
  }, 60_000);

  afterAll(async () => {
    for (const broker of brokers) await broker.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    db.skipIfMissing();
    if (missing) pending(missing);
  });

  it('refuses a session signed out on one process on the other within moments, though it had the session cached as live', async () => {
    const [a, b] = urls as [string, string];
    const email = `cluster-${randomBytes(4).toString('hex')}@example.com`;
    const signUp = await request<Session>(a, 'POST', '/auth/register', { body: { email, password: 'a long password', displayName: 'C' } });
    expect(signUp.status).toBe(201);
    const { accessToken, refreshToken } = signUp.body;
    expect((await request(b, 'GET', '/auth/me', { token: accessToken })).status).toBe(200);
    expect((await request(a, 'POST', '/auth/logout', { body: { refreshToken } })).status).toBe(200);
    expect((await request(a, 'GET', '/auth/me', { token: accessToken })).status).toBe(401);
    await eventually(async () => (await request(b, 'GET', '/auth/me', { token: accessToken })).status === 401, 3_000, 'the other process to refuse the token');
  });
});
