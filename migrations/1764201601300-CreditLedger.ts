/**
 * Credits (1 credit = 1 GPU-second), kept in thousandths. `credit_ledger` is append-only: every
 * change of a balance is one entry (grant, purchase, reservation, settlement, refund, adjustment,
 * expiry) with its reason and an idempotency key unique per owner, so a retried grant or a
 * settlement replayed by a second worker changes nothing. `credit_accounts` holds each owner's
 * balance (what can be spent) and what is reserved for work not yet settled; both CHECKed never to
 * go below zero, so no interleaving of requests can overdraw an account. Every user has an account
 * (a trigger makes it with the user; existing users get theirs here).
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreditLedger1764201601300 implements MigrationInterface {
  name = 'CreditLedger1764201601300';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE credit_accounts (
        owner_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        balance bigint NOT NULL DEFAULT 0 CHECK (balance >= 0),
        reserved bigint NOT NULL DEFAULT 0 CHECK (reserved >= 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`INSERT INTO credit_accounts (owner_id) SELECT id FROM users`);
    await runner.query(`
      CREATE FUNCTION credit_account_for_user() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO credit_accounts (owner_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
        RETURN NEW;
      END $$`);
    await runner.query(`CREATE TRIGGER users_credit_account AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION credit_account_for_user()`);
    await runner.query(`
      CREATE TABLE credit_ledger (
        id bigserial PRIMARY KEY,
        owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('grant', 'purchase', 'reservation', 'settlement', 'refund', 'adjustment', 'expiry')),
        amount bigint NOT NULL,
        reserved_change bigint NOT NULL DEFAULT 0,
        balance_after bigint NOT NULL,
        reserved_after bigint NOT NULL,
        reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
        idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
        item_id bigint,
        batch_id uuid,
        run_id uuid,
        actor_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (owner_id, idempotency_key)
      )`);
    await runner.query(`CREATE INDEX credit_ledger_owner ON credit_ledger (owner_id, id DESC)`);
    // Append-only: an entry is never changed (deleted only with its user).
    await runner.query(`
      CREATE FUNCTION credit_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'credit_ledger is append-only: add an adjustment instead of changing entry %', OLD.id;
      END $$`);
    await runner.query(`CREATE TRIGGER credit_ledger_no_update BEFORE UPDATE ON credit_ledger FOR EACH ROW EXECUTE FUNCTION credit_ledger_append_only()`);
    // One change of an account and its entry, under the account's row lock: a key seen before
    // answers 'duplicate' with the entry that has it; a change that would take the balance or the
    // reservation below zero answers 'insufficient' (or, capped, takes what there is: a settlement
    // for work already done).
    await runner.query(`
      CREATE FUNCTION credit_apply(
        p_owner uuid, p_kind text, p_amount bigint, p_reserved_change bigint, p_reason text, p_key text,
        p_item bigint, p_batch uuid, p_run uuid, p_actor uuid, p_cap boolean
      ) RETURNS TABLE (outcome text, entry_id bigint, amount bigint, reserved_change bigint, balance bigint, reserved bigint)
      LANGUAGE plpgsql AS $$
      DECLARE
        account credit_accounts%ROWTYPE;
        earlier credit_ledger%ROWTYPE;
        change bigint := p_amount;
        held bigint := p_reserved_change;
        entry bigint;
      BEGIN
        SELECT * INTO account FROM credit_accounts a WHERE a.owner_id = p_owner FOR UPDATE;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'no credit account for %', p_owner USING ERRCODE = 'foreign_key_violation';
        END IF;
        -- Checked under the lock: a concurrent change with the same key has committed by now.
        SELECT * INTO earlier FROM credit_ledger l WHERE l.owner_id = p_owner AND l.idempotency_key = p_key;
        IF FOUND THEN
          RETURN QUERY SELECT 'duplicate'::text, earlier.id, earlier.amount, earlier.reserved_change, account.balance, account.reserved;
          RETURN;
        END IF;
        IF p_cap THEN
          change := GREATEST(change, -account.balance);
          held := GREATEST(held, -account.reserved);
        END IF;
        IF account.balance + change < 0 OR account.reserved + held < 0 THEN
          RETURN QUERY SELECT 'insufficient'::text, NULL::bigint, change, held, account.balance, account.reserved;
          RETURN;
        END IF;
        UPDATE credit_accounts a SET balance = a.balance + change, reserved = a.reserved + held, updated_at = now()
          WHERE a.owner_id = p_owner RETURNING * INTO account;
        INSERT INTO credit_ledger (owner_id, kind, amount, reserved_change, balance_after, reserved_after, reason, idempotency_key, item_id, batch_id, run_id, actor_id)
          VALUES (p_owner, p_kind, change, held, account.balance, account.reserved, p_reason, p_key, p_item, p_batch, p_run, p_actor)
          RETURNING id INTO entry;
        RETURN QUERY SELECT 'applied'::text, entry, change, held, account.balance, account.reserved;
      END $$`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP FUNCTION credit_apply(uuid, text, bigint, bigint, text, text, bigint, uuid, uuid, uuid, boolean)`);
    await runner.query(`DROP TABLE credit_ledger`);
    await runner.query(`DROP FUNCTION credit_ledger_append_only()`);
    await runner.query(`DROP TRIGGER users_credit_account ON users`);
    await runner.query(`DROP FUNCTION credit_account_for_user()`);
    await runner.query(`DROP TABLE credit_accounts`);
  }
}
