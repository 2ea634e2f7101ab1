/** ApiKeyStore on PostgreSQL through TypeORM. */
import { randomUUID } from 'node:crypto';
import { IsNull, type DataSource, type Repository } from 'typeorm';
import { isUuid } from '../kernel/request-params';
import { ApiKeyEntity } from './api-key.entity';
import type { ApiKeyRecord, ApiKeyStore, NewApiKeyRecord } from './api-key-store';

export class ApiKeyRepository implements ApiKeyStore {
  private readonly keys: Repository<ApiKeyRecord>;

  constructor(dataSource: DataSource) {
    this.keys = dataSource.getRepository(ApiKeyEntity);
  }

  async create(key: NewApiKeyRecord): Promise<ApiKeyRecord> {
    const record: ApiKeyRecord = { id: randomUUID(), ...key, scopes: [...key.scopes], lastUsedAt: null, revokedAt: null };
    await this.keys.insert(record);
    return record;
  }

  async findByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    return (await this.keys.findOneBy({ keyHash })) ?? undefined;
  }

  listOfUser(userId: string): Promise<ApiKeyRecord[]> {
    return this.keys.find({ where: { userId }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  countActiveOfUser(userId: string, now: Date): Promise<number> {
    return this.keys
      .createQueryBuilder('key')
      .where('key.user_id = :userId AND key.revoked_at IS NULL AND (key.expires_at IS NULL OR key.expires_at > :now)', { userId, now })
      .getCount();
  }

  async revoke(id: string, userId: string, now: Date): Promise<ApiKeyRecord | undefined> {
    if (!isUuid(id)) return undefined;
    // Scoped by owner in the WHERE itself: another user's key id changes nothing.
    await this.keys.update({ id, userId, revokedAt: IsNull() }, { revokedAt: now });
    return (await this.keys.findOneBy({ id, userId })) ?? undefined;
  }

  async markUsed(id: string, now: Date): Promise<void> {
    await this.keys.update({ id }, { lastUsedAt: now });
  }
}
