/**
 * A plan's credits are granted when the plan is given: at sign-up (the trial's 500), and when an
 * admin gives another (Tester's 50,000, or a paid plan's month while no payments are taken). The
 * grant goes through credit_apply with a key per user and plan, once for a plan with trial days (a
 * trial is granted once whatever happens) and once per time it is given otherwise. Kept by the
 * database, so every way a plan changes grants the same. Users on a plan today get its credits
 * once.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PlanCredits1764201601500 implements MigrationInterface {
  name = 'PlanCredits1764201601500';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE FUNCTION grant_plan_credits() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        plan plans%ROWTYPE;
      BEGIN
        IF TG_OP = 'UPDATE' AND NEW.plan IS NOT DISTINCT FROM OLD.plan THEN
          RETURN NEW;
        END IF;
        SELECT * INTO plan FROM plans p WHERE p.id = NEW.plan;
        IF plan.credits > 0 THEN
          PERFORM credit_apply(
            NEW.id, 'grant', plan.credits::bigint * 1000, 0, plan.name || ' plan credits',
            CASE WHEN plan.trial_days IS NOT NULL THEN 'plan:' || plan.id
                 ELSE 'plan:' || plan.id || ':' || (extract(epoch FROM clock_timestamp()) * 1000)::bigint END,
            NULL, NULL, NULL, NULL, false);
        END IF;
        RETURN NEW;
      END $$`);
    // After users_credit_account (triggers of one event fire in name order): the account exists.
    await runner.query(`CREATE TRIGGER users_plan_credits AFTER INSERT OR UPDATE OF plan ON users FOR EACH ROW EXECUTE FUNCTION grant_plan_credits()`);
    await runner.query(`
      SELECT credit_apply(u.id, 'grant', p.credits::bigint * 1000, 0, p.name || ' plan credits', 'plan:' || p.id, NULL, NULL, NULL, NULL, false)
        FROM users u JOIN plans p ON p.id = u.plan WHERE p.credits > 0`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TRIGGER users_plan_credits ON users`);
    await runner.query(`DROP FUNCTION grant_plan_credits()`);
  }
}
