/** Storage of user accounts, by the use cases of the accounts area (no ORM types). */
import type { Role } from '../kernel/roles';
import type { Plan } from './plans';

export interface UserRecord {
  readonly id: string;
  /** Lower-case; unique case-insensitively. */
  readonly email: string;
  readonly displayName: string;
  readonly passwordHash: string;
  readonly role: Role;
  readonly plan: Plan;
  readonly disabled: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewUser {
  readonly email: string;
  readonly displayName: string;
  readonly passwordHash: string;
  readonly role: Role;
  /** The free trial when not given. */
  readonly plan?: Plan;
}

export interface AccessChange {
  readonly role?: Role;
  readonly disabled?: boolean;
  readonly plan?: Plan;
}

export type AccessChangeResult =
  | { readonly outcome: 'updated'; readonly user: UserRecord }
  | { readonly outcome: 'not_found' }
  /** The change would leave no enabled admin. */
  | { readonly outcome: 'last_admin' }
  /** No plan has that id. */
  | { readonly outcome: 'unknown_plan' };

export interface UserStore {
  findById(id: string): Promise<UserRecord | undefined>;
  /** Case-insensitive. */
  findByEmail(email: string): Promise<UserRecord | undefined>;
  /** Throws ConflictError (field `email`) when the email is taken, in any case. */
  create(user: NewUser): Promise<UserRecord>;
  setPasswordHash(id: string, passwordHash: string, now: Date): Promise<void>;
  /** Changes role, plan or disabled, atomically refusing a change that leaves no enabled admin. */
  changeAccess(id: string, change: AccessChange, now: Date): Promise<AccessChangeResult>;
  list(page: { limit: number; offset: number }): Promise<{ items: UserRecord[]; total: number }>;
  anyAdmin(): Promise<boolean>;
}
