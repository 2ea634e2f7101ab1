/**
 * The credentials vault by use case: a user's stored secrets, listed and read without them,
 * changed, deleted, and opened for a run. Every method is scoped by owner; another user's
 * credential is answered as missing. The secret goes in and out sealed: only the service (to
 * store) and the run's credential access (to apply) hold the SecretBox.
 */
import type { CredentialKind } from '../../nodes/sdk/credentials';
import type { Page, PageRequest } from '../kernel/page';

/** A credential as the API shows it: never its secret. */
export interface Credential {
  readonly id: string;
  readonly name: string;
  readonly kind: CredentialKind;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** When a run last applied it; null until then. */
  readonly lastUsedAt: string | null;
}

export interface SealedCredential {
  readonly name: string;
  readonly kind: CredentialKind;
  /** The secret fields as JSON, sealed. */
  readonly sealed: Uint8Array;
}

export interface CredentialRecords {
  /** A ConflictError naming `name` when the owner already has a credential of that name. */
  create(ownerId: string, credential: SealedCredential): Promise<Credential>;
  find(ownerId: string, id: string): Promise<Credential | undefined>;
  /** The kind and sealed secret, for changing part of it. */
  findSealed(ownerId: string, id: string): Promise<SealedCredential | undefined>;
  /** By name, then id. */
  list(ownerId: string, page: PageRequest): Promise<Page<Credential>>;
  update(ownerId: string, id: string, changes: Partial<SealedCredential>): Promise<Credential | undefined>;
  delete(ownerId: string, id: string): Promise<boolean>;
  /** The kind and sealed secret of a credential a run applies, marking it used (last_used_at) in the same statement. */
  takeForUse(ownerId: string, id: string): Promise<Pick<SealedCredential, 'kind' | 'sealed'> | undefined>;
}
