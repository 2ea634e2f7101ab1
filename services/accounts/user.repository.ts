/** UserStore on PostgreSQL through TypeORM. */
import { randomUUID } from 'node:crypto';
import { QueryFailedError, type DataSource, type Repository } from 'typeorm';
import { isUuid } from '../kernel/request-params';
import { ConflictError } from '../kernel/service-errors';
import { UserEntity } from './user.entity';
import type { AccessChange, AccessChangeResult, NewUser, UserRecord, UserStore } from './user-store';
import { DEFAULT_PLAN } from './plans';

const UNIQUE_VIOLATION = '23505';

export class UserRepository implements UserStore {
  private readonly users: Repository<UserRecord>;

  constructor(private readonly dataSource: DataSource) {
    this.users = dataSource.getRepository(UserEntity);
  }

  async findById(id: string): Promise<UserRecord | undefined> {
    // Not a uuid cannot be a user; PostgreSQL would reject the comparison instead of finding nothing.
    if (!isUuid(id)) return undefined;
    // Every authenticated request asks this: plain SQL, without the query builder's work per call.
    const rows = (await this.dataSource.query(
      `SELECT id, email, display_name AS "displayName", password_hash AS "passwordHash", role, plan, disabled,
              created_at AS "createdAt", updated_at AS "updatedAt"
       FROM users WHERE id = $1`,
      [id],
    )) as UserRecord[];
    return rows[0];
  }

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    // lower(email) is what the unique index covers, so this is an index lookup.
    return (await this.users.createQueryBuilder('user').where('lower(user.email) = lower(:email)', { email }).getOne()) ?? undefined;
  }

  async create(user: NewUser): Promise<UserRecord> {
    const now = new Date();
    const record: UserRecord = { id: randomUUID(), plan: DEFAULT_PLAN, ...user, disabled: false, createdAt: now, updatedAt: now };
    try {
      await this.users.insert(record);
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new ConflictError(`An account with the email ${user.email} already exists; sign in instead`, 'email');
      }
      throw error;
    }
    return record;
  }

  async setPasswordHash(id: string, passwordHash: string, now: Date): Promise<void> {
    await this.users.update({ id }, { passwordHash, updatedAt: now });
  }

  changeAccess(id: string, change: AccessChange, now: Date): Promise<AccessChangeResult> {
    if (!isUuid(id)) return Promise.resolve({ outcome: 'not_found' });
    return this.dataSource.transaction(async (manager) => {
      // Lock the enabled admins first (in id order, so concurrent changes queue rather than
      // deadlock): two admins demoting each other at once cannot both succeed.
      const admins: { id: string }[] = await manager.query(`SELECT id FROM users WHERE role = 'admin' AND NOT disabled ORDER BY id FOR UPDATE`);
      const users = manager.getRepository(UserEntity);
      const user = await users.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!user) return { outcome: 'not_found' };
      if (change.plan !== undefined && ((await manager.query(`SELECT 1 FROM plans WHERE id = $1`, [change.plan])) as unknown[]).length === 0) return { outcome: 'unknown_plan' };
      const next = { role: change.role ?? user.role, disabled: change.disabled ?? user.disabled, plan: change.plan ?? user.plan };
      const wasEnabledAdmin = user.role === 'admin' && !user.disabled;
      const staysEnabledAdmin = next.role === 'admin' && !next.disabled;
      if (wasEnabledAdmin && !staysEnabledAdmin && admins.length <= 1) return { outcome: 'last_admin' };
      await users.update({ id }, { ...next, updatedAt: now });
      return { outcome: 'updated', user: { ...user, ...next, updatedAt: now } };
    });
  }

  async list(page: { limit: number; offset: number }): Promise<{ items: UserRecord[]; total: number }> {
    const [items, total] = await this.users.findAndCount({ order: { createdAt: 'ASC', id: 'ASC' }, take: page.limit, skip: page.offset });
    return { items, total };
  }

  anyAdmin(): Promise<boolean> {
    return this.users.existsBy({ role: 'admin' });
  }
}
