/**
 * Plans are data, editable by admins: what each costs, the credits it grants per period, the worker
 * pool its items run on, and its limits (queue priority, items at once, API rate, largest image,
 * automations, whether unused credits roll over). Seeded with Trial (free for 7 days), Starter,
 * Pro, Studio, Enterprise (a custom price) and Tester (granted by an admin). Users' plans refer to
 * these rows; the old `basic` plan becomes Starter. `plan_ends_at` is when a plan with an end (the
 * trial) runs out.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

interface SeedPlan {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly priceCents: number | null;
  readonly credits: number;
  readonly trialDays: number | null;
  readonly pool: 'basic' | 'performance' | 'dedicated';
  readonly priority: number;
  readonly concurrentItems: number;
  readonly apiPerMinute: number;
  readonly maxImagePixels: number;
  readonly maxAutomations: number;
  readonly rollover: boolean;
  readonly listed: boolean;
  readonly sort: number;
}

const MEGAPIXEL = 1024 * 1024;

const SEED_PLANS: readonly SeedPlan[] = [
  { id: 'trial', name: 'Trial', description: 'Seven days to try everything, on the basic pool', priceCents: 0, credits: 500, trialDays: 7, pool: 'basic', priority: 0, concurrentItems: 1, apiPerMinute: 60, maxImagePixels: 1 * MEGAPIXEL, maxAutomations: 5, rollover: false, listed: true, sort: 0 },
  { id: 'starter', name: 'Starter', description: 'For one person generating and automating every week', priceCents: 2500, credits: 5000, trialDays: null, pool: 'basic', priority: 1, concurrentItems: 2, apiPerMinute: 300, maxImagePixels: 4 * MEGAPIXEL, maxAutomations: 10, rollover: false, listed: true, sort: 1 },
  { id: 'pro', name: 'Pro', description: 'Faster GPUs and more automations', priceCents: 7500, credits: 15000, trialDays: null, pool: 'performance', priority: 2, concurrentItems: 4, apiPerMinute: 1200, maxImagePixels: 8 * MEGAPIXEL, maxAutomations: 50, rollover: true, listed: true, sort: 2 },
  { id: 'studio', name: 'Studio', description: 'For teams running production workloads', priceCents: 15000, credits: 30000, trialDays: null, pool: 'performance', priority: 3, concurrentItems: 8, apiPerMinute: 3000, maxImagePixels: 16 * MEGAPIXEL, maxAutomations: 200, rollover: true, listed: true, sort: 3 },
  { id: 'enterprise', name: 'Enterprise', description: 'Dedicated GPUs, custom limits and price', priceCents: null, credits: 0, trialDays: null, pool: 'dedicated', priority: 4, concurrentItems: 32, apiPerMinute: 10000, maxImagePixels: 64 * MEGAPIXEL, maxAutomations: 10000, rollover: true, listed: true, sort: 4 },
  { id: 'tester', name: 'Tester', description: 'Granted by an admin for testing', priceCents: 0, credits: 50000, trialDays: null, pool: 'basic', priority: 1, concurrentItems: 2, apiPerMinute: 600, maxImagePixels: 4 * MEGAPIXEL, maxAutomations: 20, rollover: false, listed: false, sort: 5 },
];

export class Plans1764201601400 implements MigrationInterface {
  name = 'Plans1764201601400';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE plans (
        id text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9_-]{1,31}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
        description text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
        price_cents integer CHECK (price_cents >= 0),
        currency text NOT NULL DEFAULT 'usd',
        credits integer NOT NULL CHECK (credits >= 0),
        trial_days integer CHECK (trial_days BETWEEN 1 AND 365),
        pool text NOT NULL CHECK (pool IN ('basic', 'performance', 'dedicated')),
        priority integer NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 100),
        concurrent_items integer NOT NULL CHECK (concurrent_items BETWEEN 1 AND 1000),
        api_per_minute integer NOT NULL CHECK (api_per_minute BETWEEN 1 AND 1000000),
        max_image_pixels integer NOT NULL CHECK (max_image_pixels >= 4096),
        max_automations integer NOT NULL CHECK (max_automations >= 0),
        rollover boolean NOT NULL DEFAULT false,
        listed boolean NOT NULL DEFAULT true,
        stripe_price_id text,
        sort integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    for (const plan of SEED_PLANS) {
      await runner.query(
        `INSERT INTO plans (id, name, description, price_cents, credits, trial_days, pool, priority, concurrent_items, api_per_minute, max_image_pixels, max_automations, rollover, listed, sort)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
        [plan.id, plan.name, plan.description, plan.priceCents, plan.credits, plan.trialDays, plan.pool, plan.priority, plan.concurrentItems, plan.apiPerMinute, plan.maxImagePixels, plan.maxAutomations, plan.rollover, plan.listed, plan.sort],
      );
    }
    await runner.query(`ALTER TABLE users DROP CONSTRAINT users_plan_check`);
    await runner.query(`UPDATE users SET plan = 'starter' WHERE plan = 'basic'`);
    await runner.query(`ALTER TABLE users ADD CONSTRAINT users_plan_fk FOREIGN KEY (plan) REFERENCES plans (id) ON UPDATE CASCADE`);
    await runner.query(`ALTER TABLE users ADD COLUMN plan_ends_at timestamptz`);
    // A plan with trial days ends that many days after it is given (at sign-up, or when an admin
    // gives it); any other plan has no end. Kept by the database, whoever writes the row.
    await runner.query(`
      CREATE FUNCTION user_plan_ends() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' OR NEW.plan IS DISTINCT FROM OLD.plan THEN
          NEW.plan_ends_at := (SELECT now() + make_interval(days => p.trial_days) FROM plans p WHERE p.id = NEW.plan);
        END IF;
        RETURN NEW;
      END $$`);
    await runner.query(`CREATE TRIGGER users_plan_ends BEFORE INSERT OR UPDATE OF plan ON users FOR EACH ROW EXECUTE FUNCTION user_plan_ends()`);
    // Accounts on the trial today get its seven days from now, not from when they signed up.
    await runner.query(`UPDATE users SET plan_ends_at = now() + interval '7 days' WHERE plan = 'trial'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TRIGGER users_plan_ends ON users`);
    await runner.query(`DROP FUNCTION user_plan_ends()`);
    await runner.query(`ALTER TABLE users DROP COLUMN plan_ends_at`);
    await runner.query(`ALTER TABLE users DROP CONSTRAINT users_plan_fk`);
    await runner.query(`UPDATE users SET plan = 'basic' WHERE plan = 'starter'`);
    await runner.query(`UPDATE users SET plan = 'trial' WHERE plan NOT IN ('trial', 'basic', 'pro', 'enterprise')`);
    await runner.query(`ALTER TABLE users ADD CONSTRAINT users_plan_check CHECK (plan IN ('trial', 'basic', 'pro', 'enterprise'))`);
    await runner.query(`DROP TABLE plans`);
  }
}
