/**
 * Storage of refresh tokens (hashed). A token that was rotated is revoked and points at its
 * successor (`replacedBy`), so the tokens of one sign-in form a chain: the family that reuse
 * detection revokes. Every token of a chain carries the chain's `familyId` (the id of its first
 * token), which access tokens name as their session: a family with no live token is signed out.
 */
export interface RefreshTokenRecord {
  readonly id: string;
  readonly userId: string;
  readonly familyId: string;
  readonly tokenHash: string;
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;
  readonly replacedBy: string | null;
  readonly createdAt: Date;
}

export interface NewRefreshToken {
  readonly id: string;
  readonly userId: string;
  readonly familyId: string;
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
  /** Revokes every live token of the user; returns the families that were signed out by it. */
  revokeAllOfUser(userId: string, now: Date): Promise<string[]>;
  /** Whether the family still has a token that is not revoked (its sign-in is still on). */
  isFamilyLive(familyId: string): Promise<boolean>;
  /** Drops the user's tokens that expired before `now` (their chains can no longer be reused). */
  deleteExpired(userId: string, now: Date): Promise<void>;
}
