/** The credentials vault in PostgreSQL through TypeORM; every query matches owner_id. */
import { QueryFailedError, type DataSource, type Repository } from 'typeorm';
import type { CredentialKind } from '../../nodes/sdk/credentials';
import { isUuid, type Page, type PageRequest } from '../kernel/request-params';
import { ConflictError } from '../kernel/service-errors';
import { CredentialEntity, type CredentialRow } from './credential.entity';
import type { Credential, CredentialRecords, SealedCredential } from './credential-records';

const UNIQUE_VIOLATION = '23505';
/** Every column but the sealed secret. */
const VIEW_COLUMNS = ['c.id', 'c.name', 'c.kind', 'c.createdAt', 'c.updatedAt', 'c.lastUsedAt'];

export class CredentialRepository implements CredentialRecords {
  private readonly credentials: Repository<CredentialRow>;

  constructor(private readonly dataSource: DataSource) {
    this.credentials = dataSource.getRepository(CredentialEntity);
  }

  async create(ownerId: string, credential: SealedCredential): Promise<Credential> {
    const result = await this.unique(credential.name, () => this.credentials.insert({ ownerId, name: credential.name, kind: credential.kind, sealed: Buffer.from(credential.sealed) }));
    return (await this.find(ownerId, (result.identifiers[0] as { id: string }).id))!;
  }

  async find(ownerId: string, id: string): Promise<Credential | undefined> {
    if (!isUuid(id)) return undefined;
    const row = await this.credentials.createQueryBuilder('c').select(VIEW_COLUMNS).where('c.owner_id = :ownerId AND c.id = :id', { ownerId, id }).getOne();
    return row ? toView(row) : undefined;
  }

  async findSealed(ownerId: string, id: string): Promise<SealedCredential | undefined> {
    if (!isUuid(id)) return undefined;
    const row = await this.credentials.findOne({ select: { name: true, kind: true, sealed: true }, where: { ownerId, id } });
    return row ? { name: row.name, kind: row.kind, sealed: row.sealed } : undefined;
  }

  async list(ownerId: string, page: PageRequest): Promise<Page<Credential>> {
    const [rows, total] = await this.credentials
      .createQueryBuilder('c')
      .select(VIEW_COLUMNS)
      .where('c.owner_id = :ownerId', { ownerId })
      .orderBy('c.name', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .offset(page.offset)
      .limit(page.limit)
      .getManyAndCount();
    return { items: rows.map(toView), total, limit: page.limit, offset: page.offset };
  }

  async update(ownerId: string, id: string, changes: Partial<SealedCredential>): Promise<Credential | undefined> {
    if (!isUuid(id)) return undefined;
    const columns: Partial<Pick<CredentialRow, 'name' | 'kind' | 'sealed'>> = {};
    if (changes.name !== undefined) columns.name = changes.name;
    if (changes.kind !== undefined) columns.kind = changes.kind;
    if (changes.sealed !== undefined) columns.sealed = Buffer.from(changes.sealed);
    if (Object.keys(columns).length === 0) return this.find(ownerId, id);
    const result = await this.unique(changes.name, () => this.credentials.update({ ownerId, id }, columns));
    return result.affected ? this.find(ownerId, id) : undefined;
  }

  async delete(ownerId: string, id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const result = await this.credentials.delete({ ownerId, id });
    return (result.affected ?? 0) > 0;
  }

  async takeForUse(ownerId: string, id: string): Promise<Pick<SealedCredential, 'kind' | 'sealed'> | undefined> {
    if (!isUuid(id)) return undefined;
    // Plain SQL: marking it used must not move updated_at, which says when the user changed it.
    const [rows] = (await this.dataSource.query(`UPDATE credentials SET last_used_at = now() WHERE owner_id = $1 AND id = $2 RETURNING kind, sealed`, [ownerId, id])) as [
      { kind: CredentialKind; sealed: Buffer }[],
      number,
    ];
    const row = rows[0];
    return row ? { kind: row.kind, sealed: row.sealed } : undefined;
  }

  /** Runs a write, turning a second credential of the same name into a ConflictError naming `name`. */
  private async unique<T>(name: string | undefined, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new ConflictError(`You already have a credential named "${name}"; choose another name`, 'name');
      }
      throw error;
    }
  }
}

function toView(row: CredentialRow): Credential {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    lastUsedAt: row.lastUsedAt ? row.lastUsedAt.toISOString() : null,
  };
}
