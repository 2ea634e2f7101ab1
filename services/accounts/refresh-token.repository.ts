/** RefreshTokenStore on PostgreSQL through TypeORM. */
import { IsNull, LessThan, type DataSource, type Repository } from 'typeorm';
import { RefreshTokenEntity } from './refresh-token.entity';
import type { NewRefreshToken, RefreshTokenRecord, RefreshTokenStore } from './refresh-token-store';

export class RefreshTokenRepository implements RefreshTokenStore {
  private readonly tokens: Repository<RefreshTokenRecord>;

  constructor(private readonly dataSource: DataSource) {
    this.tokens = dataSource.getRepository(RefreshTokenEntity);
  }

  async create(token: NewRefreshToken): Promise<void> {
    await this.tokens.insert({ ...token, revokedAt: null, replacedBy: null });
  }

  async findByHash(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    return (await this.tokens.findOneBy({ tokenHash })) ?? undefined;
  }

  rotate(currentId: string, next: NewRefreshToken, now: Date): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      // The condition on revoked_at makes the row lock decide between two concurrent refreshes.
      const retired = await manager.update(RefreshTokenEntity, { id: currentId, revokedAt: IsNull() }, { revokedAt: now, replacedBy: next.id });
      if (!retired.affected) return false;
      await manager.insert(RefreshTokenEntity, { ...next, revokedAt: null, replacedBy: null });
      return true;
    });
  }

  async revokeChain(id: string, now: Date): Promise<number> {
    // UNION (not UNION ALL) stops on a cycle, which the data should never hold anyway.
    const rows: { id: string }[] = await this.dataSource.query(
      `WITH RECURSIVE chain (id, replaced_by) AS (
         SELECT id, replaced_by FROM refresh_tokens WHERE id = $1
         UNION
         SELECT token.id, token.replaced_by FROM refresh_tokens token JOIN chain ON token.id = chain.replaced_by
       )
       UPDATE refresh_tokens SET revoked_at = $2
        WHERE id IN (SELECT id FROM chain) AND revoked_at IS NULL
        RETURNING id`,
      [id, now],
    ).then((result) => rowsOf<{ id: string }>(result));
    return rows.length;
  }

  async revokeAllOfUser(userId: string, now: Date): Promise<string[]> {
    const rows: { family_id: string }[] = await this.dataSource
      .query(`UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL RETURNING family_id`, [userId, now])
      .then((result) => rowsOf<{ family_id: string }>(result));
    return [...new Set(rows.map((row) => row.family_id))];
  }

  async isFamilyLive(familyId: string): Promise<boolean> {
    // Served by the partial index refresh_tokens_family_live.
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM refresh_tokens WHERE family_id = $1 AND revoked_at IS NULL LIMIT 1`, [familyId]);
    return rows.length > 0;
  }

  async deleteExpired(userId: string, now: Date): Promise<void> {
    await this.tokens.delete({ userId, expiresAt: LessThan(now) });
  }
}

/** TypeORM's postgres driver answers UPDATE … RETURNING with [rows, count]. */
function rowsOf<Row>(result: unknown): Row[] {
  if (Array.isArray(result) && Array.isArray(result[0])) return result[0] as Row[];
  return result as Row[];
}
