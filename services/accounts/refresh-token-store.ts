/**
 * Storage of refresh tokens (hashed). A token that was rotated is revoked and points at its
 * successor (`replacedBy`), so the tokens of one sign-in form a chain: the family that reuse
 * detection revokes.
 */
export interface RefreshTokenRecord {
  readonly id: string;
  readonly userId: string;
  readonly tokenHash: string;
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;
  readonly replacedBy: string | null;
  readonly createdAt: Date;
}

export interface NewRefreshToken {
  readonly id: string;
  readonly userId: string;
  readonly tokenHash: string;
  readonly expiresAt: Date;
  readonly createdAt: Date;
}

export interface RefreshTokenStore {
  create(token: NewRefreshToken): Promise<void>;
  findByHash(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /**
   * Revokes `currentId` in favour of `next` and stores `next`, in one transaction; false (and
   * nothing stored) when `currentId` was revoked meanwhile, e.g. by a concurrent refresh.
   */
  rotate(currentId: string, next: NewRefreshToken, now: Date): Promise<boolean>;
  /** Revokes the token and every token that replaced it, transitively; returns how many changed. */
  revokeChain(id: string, now: Date): Promise<number>;
  revokeAllOfUser(userId: string, now: Date): Promise<number>;
  /** Drops the user's tokens that expired before `now` (their chains can no longer be reused). */
  deleteExpired(userId: string, now: Date): Promise<void>;
}
