/** Storage of API keys: hashed, scoped, revocable, always read through their owner. */
export interface ApiKeyRecord {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  readonly prefix: string;
  readonly keyHash: string;
  readonly scopes: readonly string[];
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
}

export interface NewApiKeyRecord {
  readonly userId: string;
  readonly name: string;
  readonly prefix: string;
  readonly keyHash: string;
  readonly scopes: readonly string[];
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
}

export interface ApiKeyStore {
  create(key: NewApiKeyRecord): Promise<ApiKeyRecord>;
  /** For authentication only: the one lookup that is not scoped by owner. */
  findByHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
  /** The owner's keys, newest first. */
  listOfUser(userId: string): Promise<ApiKeyRecord[]>;
  countActiveOfUser(userId: string, now: Date): Promise<number>;
  /** Revokes the owner's key (idempotent); undefined when the owner has no such key. */
  revoke(id: string, userId: string, now: Date): Promise<ApiKeyRecord | undefined>;
  markUsed(id: string, now: Date): Promise<void>;
}
