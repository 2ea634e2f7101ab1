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
    expect(user.user.plan).toBe('trial');
    const [{ days }] = (await db.dataSource.query(`SELECT extract(epoch FROM plan_ends_at - now()) / 86400 AS days FROM users WHERE id = $1`, [user.user.id])) as { days: number }[];
    expect(Number(days)).toBeGreaterThan(6.99);
    expect(Number(days)).toBeLessThanOrEqual(7);
  });

  it('lets admins change a plan and give one to a user; refuses anyone else and what does not exist', async () => {
    const changed = await api<PlanRecord>('PATCH', '/admin/plans/starter', { token: admin, body: { credits: 6000, maxAutomations: 12 } });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual(jasmine.objectContaining({ id: 'starter', credits: 6000, maxAutomations: 12 }));
    expect((await api<PlanRecord[]>('GET', '/plans')).body.find((plan) => plan.id === 'starter')!.credits).toBe(6000);
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
