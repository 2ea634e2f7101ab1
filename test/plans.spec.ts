/**
 * Plans as data on the real platform: the pricing page's plans without signing in, an admin
 * changing a plan and giving one to a user, a non-admin refused, and a trial that has ended
 * refusing runs with 402 and where to upgrade.
 */
import type { PlanRecord } from '../services/billing/plan-records';
import { useRealPlatform } from './support/real-platform';
import { useTestDatabase } from './support/test-database';
import { request } from './support/test-platform';

interface Session {
  accessToken: string;
  user: { id: string; plan: string };
}

describe('plans', () => {
  const db = useTestDatabase();
  const real = useRealPlatform(db, 'plans', { PINKSEA_ADMIN_EMAIL: 'admin@plans.test', PINKSEA_ADMIN_PASSWORD: 'correct horse battery' });
  const api = <T>(method: string, route: string, options: Parameters<typeof request>[3] = {}) => request<T>(real.platform.url!, method, route, options);
  let admin: string;
  let user: Session;

  beforeAll(async () => {
    admin = (await api<{ accessToken: string }>('POST', '/auth/login', { body: { email: 'admin@plans.test', password: 'correct horse battery' } })).body.accessToken;
    user = (await api<Session>('POST', '/auth/register', { body: { email: 'user@plans.test', password: 'a long enough password', displayName: 'user' } })).body;
  });

  it('lists the plans of the pricing page to anyone, in order, with their prices and limits', async () => {
    const plans = await api<PlanRecord[]>('GET', '/plans');
    expect(plans.status).toBe(200);
    expect(plans.body.map((plan) => plan.id)).toEqual(['trial', 'starter', 'pro', 'studio', 'enterprise']);
    expect(plans.body.find((plan) => plan.id === 'starter')).toEqual(jasmine.objectContaining({ priceCents: 2500, credits: 5000, pool: 'basic' }));
    expect(plans.body.find((plan) => plan.id === 'pro')).toEqual(jasmine.objectContaining({ priceCents: 7500, credits: 15000, pool: 'performance' }));
    expect(plans.body.find((plan) => plan.id === 'enterprise')).toEqual(jasmine.objectContaining({ priceCents: null, pool: 'dedicated' }));
    expect(plans.body.find((plan) => plan.id === 'trial')).toEqual(jasmine.objectContaining({ trialDays: 7, credits: 500 }));
    // Tester is granted, not sold: the admins' list has it.
    const all = await api<PlanRecord[]>('GET', '/admin/plans', { token: admin });
    expect(all.body.find((plan) => plan.id === 'tester')).toEqual(jasmine.objectContaining({ credits: 50000, listed: false }));
  });

  it('starts a new account on a trial that ends in seven days', async () => {
    const fresh = (await api<Session>('POST', '/auth/register', { body: { email: 'trial@plans.test', password: 'a long enough password', displayName: 'trial' } })).body;
    expect(fresh.user.plan).toBe('trial');
    const [{ days }] = (await db.dataSource.query(`SELECT extract(epoch FROM plan_ends_at - now()) / 86400 AS days FROM users WHERE id = $1`, [fresh.user.id])) as { days: number }[];
    expect(Number(days)).toBeGreaterThan(6.99);
    expect(Number(days)).toBeLessThanOrEqual(7);
  });

  it('lets admins change a plan and give one to a user; refuses anyone else and what does not exist', async () => {
    const changed = await api<PlanRecord>('PATCH', '/admin/plans/starter', { token: admin, body: { credits: 6000, maxAutomations: 12 } });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual(jasmine.objectContaining({ id: 'starter', credits: 6000, maxAutomations: 12 }));
    expect((await api<PlanRecord[]>('GET', '/plans')).body.find((plan) => plan.id === 'starter')!.credits).toBe(6000);
    // Back as seeded, for the other specs (they run in any order).
    expect((await api('PATCH', '/admin/plans/starter', { token: admin, body: { credits: 5000, maxAutomations: 10 } })).status).toBe(200);
    expect((await api('PATCH', '/admin/plans/starter', { token: user.accessToken, body: { credits: 1 } })).status).toBe(403);
    expect((await api('PATCH', '/admin/plans/platinum', { token: admin, body: { credits: 1 } })).status).toBe(404);
    const bad = await api('PATCH', '/admin/plans/starter', { token: admin, body: { pool: 'gold', credits: -1 } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('pool');

    const given = await api<{ plan: string }>('PATCH', `/admin/users/${user.user.id}`, { token: admin, body: { plan: 'tester' } });
    expect(given.status).toBe(200);
    expect(given.body.plan).toBe('tester');
    const [{ ends }] = (await db.dataSource.query(`SELECT plan_ends_at AS ends FROM users WHERE id = $1`, [user.user.id])) as { ends: Date | null }[];
    expect(ends).toBeNull();
    const unknown = await api('PATCH', `/admin/users/${user.user.id}`, { token: admin, body: { plan: 'platinum' } });
    expect(unknown.status).toBe(422);
    expect(JSON.stringify(unknown.body)).toContain('platinum');
  });

  it("grants a plan's credits when it is given: the trial's once, Tester's each time an admin gives it", async () => {
    const fresh = (await api<Session>('POST', '/auth/register', { body: { email: 'credits@plans.test', password: 'a long enough password', displayName: 'credits' } })).body;
    const balance = async () => (await api<{ credits: number; reservedCredits: number }>('GET', '/credits', { token: fresh.accessToken })).body;
    expect(await balance()).toEqual(jasmine.objectContaining({ credits: 500, reservedCredits: 0 }));
    await api('PATCH', `/admin/users/${fresh.user.id}`, { token: admin, body: { plan: 'tester' } });
    expect((await balance()).credits).toBe(50_500);
    // Back to the trial: it was granted once, and is not again.
    await api('PATCH', `/admin/users/${fresh.user.id}`, { token: admin, body: { plan: 'trial' } });
    expect((await balance()).credits).toBe(50_500);
    const ledger = await api<{ items: { id: string; kind: string; amount: number; reason: string }[]; total: number }>('GET', '/credits/ledger', { token: fresh.accessToken });
    expect(ledger.body.items.map((entry) => [entry.kind, entry.amount, entry.reason])).toEqual([
      ['grant', 50_000_000, 'Tester plan credits'],
      ['grant', 500_000, 'Trial plan credits'],
    ]);
    // Nobody else reads them.
    const others = (await api<{ items: { id: string }[] }>('GET', '/credits/ledger', { token: user.accessToken })).body.items.map((entry) => entry.id);
    expect(ledger.body.items.some((entry) => others.includes(entry.id))).toBeFalse();
  });

  it('lets an admin adjust a balance with a reason, once per key, never below zero', async () => {
    const target = (await api<Session>('POST', '/auth/register', { body: { email: 'adjusted@plans.test', password: 'a long enough password', displayName: 'adjusted' } })).body;
    const adjust = (body: Record<string, unknown>, token = admin) => api<{ credits: number; error?: { message: string } }>('POST', `/admin/users/${target.user.id}/credits`, { token, body });
    const added = await adjust({ amount: 12.345, reason: 'Goodwill for an outage', idempotencyKey: 'ticket-1' });
    expect(added.status).toBe(200);
    expect(added.body.credits).toBe(512.345);
    expect((await adjust({ amount: 12.345, reason: 'Goodwill for an outage', idempotencyKey: 'ticket-1' })).body.credits).toBe(512.345);
    const over = await adjust({ amount: -1000, reason: 'Too much' });
    expect(over.status).toBe(409);
    expect(over.body.error!.message).toContain('below zero');
    expect((await adjust({ amount: 0.0001, reason: 'Too fine' })).status).toBe(422);
    expect((await adjust({ amount: 1, reason: 'x' })).status).toBe(422);
    expect((await adjust({ amount: 1, reason: 'Not an admin' }, target.accessToken)).status).toBe(403);
    expect((await api('POST', '/admin/users/00000000-0000-4000-8000-000000000000/credits', { token: admin, body: { amount: 1, reason: 'Nobody' } })).status).toBe(404);
    const [{ actor }] = (await db.dataSource.query(`SELECT actor_id AS actor FROM credit_ledger WHERE owner_id = $1 AND kind = 'adjustment'`, [target.user.id])) as { actor: string }[];
    expect(actor).toBeTruthy();
  });

  it("keeps an audit log of admins' changes, failed ones too, that only admins read", async () => {
    const subject = (await api<Session>('POST', '/auth/register', { body: { email: 'audited@plans.test', password: 'a long enough password', displayName: 'audited' } })).body;
    await api('PATCH', `/admin/users/${subject.user.id}`, { token: admin, body: { plan: 'tester' } });
    await api('PATCH', `/admin/users/${subject.user.id}`, { token: admin, body: { plan: 'platinum' } });
    await api('POST', `/admin/users/${subject.user.id}/credits`, { token: admin, body: { amount: 5, reason: 'Audited goodwill' } });
    await api('GET', '/admin/users', { token: admin });
    const log = await api<{ items: { action: string; actorEmail: string; outcome: string; errorCode: string | null; params: Record<string, unknown> }[]; total: number }>(
      'GET',
      `/admin/audit?target=${subject.user.id}`,
      { token: admin },
    );
    expect(log.status).toBe(200);
    expect(log.body.items.map((entry) => [entry.action, entry.outcome, entry.errorCode])).toEqual([
      ['credits.adjust', 'ok', null],
      ['accounts.updateUser', 'error', 'invalid_input'],
      ['accounts.updateUser', 'ok', null],
    ]);
    expect(log.body.items.every((entry) => entry.actorEmail === 'admin@plans.test')).toBeTrue();
    expect(log.body.items[2]!.params).toEqual(jasmine.objectContaining({ plan: 'tester' }));
    expect((await api('GET', '/admin/audit', { token: subject.accessToken })).status).toBe(403);
  });

  it('refuses runs once a trial has ended, saying where to upgrade', async () => {
    const late = (await api<Session>('POST', '/auth/register', { body: { email: 'late@plans.test', password: 'a long enough password', displayName: 'late' } })).body;
    const graph = { nodes: [{ id: 'n', type: 'core.integer', inputs: { value: 1 } }], edges: [] };
    expect((await api('POST', '/queue/default/enqueue_batch', { token: late.accessToken, body: { batch: { graph } } })).status).toBe(200);
    await db.dataSource.query(`UPDATE users SET plan_ends_at = now() - interval '1 day' WHERE id = $1`, [late.user.id]);
    // The plan catalogue trusts an account's plan for a few seconds.
    await new Promise((resolve) => setTimeout(resolve, 5200));
    const refused = await api<{ error: { code: string; message: string } }>('POST', '/queue/default/enqueue_batch', { token: late.accessToken, body: { batch: { graph } } });
    expect(refused.status).toBe(402);
    expect(refused.body.error.message).toContain('Trial plan ended');
    expect(refused.body.error.message).toContain('/pricing');
  }, 20_000);
});
