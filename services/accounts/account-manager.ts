/**
 * Accounts: sign-up, the caller's own profile, and the admin's view of every account (list,
 * change role, enable or disable). Disabling an account also signs out all its sessions.
 */
import type { AuthUser } from '../kernel/auth-middleware';
import { ConflictError, InvalidInputError, NotFoundError, UnauthorizedError } from '../kernel/service-errors';
import { toPublicUser, type PublicUser, type Session } from './account-views';
import { systemClock, type Clock } from './clock';
import { EMAIL_HINT, isEmailAddress, normalizeEmail } from './email-address';
import { hashPassword, passwordProblem } from './password-hasher';
import type { SessionManager } from './session-manager';
import type { AccessChange, UserStore } from './user-store';

export interface Registration {
  readonly email: string;
  readonly password: string;
  readonly displayName: string;
}

export interface UserPage {
  readonly items: PublicUser[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

export interface AccountManagerDeps {
  readonly users: UserStore;
  readonly sessions: SessionManager;
  readonly clock?: Clock;
}

export class AccountManager {
  private readonly clock: Clock;

  constructor(private readonly deps: AccountManagerDeps) {
    this.clock = deps.clock ?? systemClock;
  }

  /** A new `user` account, signed in. Duplicate emails (in any case) are a 409 on `email`. */
  async register(registration: Registration): Promise<Session> {
    const email = normalizeEmail(registration.email);
    const displayName = registration.displayName.trim();
    const issues = [
      ...(isEmailAddress(email) ? [] : [{ code: 'invalid_email', field: 'email', message: EMAIL_HINT }]),
      ...optionalIssue('password', passwordProblem(registration.password)),
      ...(displayName ? [] : [{ code: 'required', field: 'displayName', message: 'must not be empty' }]),
    ];
    if (issues.length > 0) throw new InvalidInputError(issues);
    if (await this.deps.users.findByEmail(email)) throw emailTaken(email);
    // create() also maps the unique index's violation to the same 409, for a concurrent sign-up.
    const user = await this.deps.users.create({ email, displayName, passwordHash: await hashPassword(registration.password), role: 'user' });
    return this.deps.sessions.startSession(user);
  }

  async me(caller: AuthUser): Promise<PublicUser & { scopes: AuthUser['scopes'] }> {
    const user = await this.deps.users.findById(caller.id);
    if (!user) throw new UnauthorizedError('The account of this token no longer exists');
    return { ...toPublicUser(user), scopes: caller.scopes };
  }

  async listUsers(page: { limit: number; offset: number }): Promise<UserPage> {
    const { items, total } = await this.deps.users.list(page);
    return { items: items.map(toPublicUser), total, limit: page.limit, offset: page.offset };
  }

  async changeAccess(id: string, change: AccessChange): Promise<PublicUser> {
    if (change.role === undefined && change.disabled === undefined && change.plan === undefined) {
      throw new InvalidInputError([{ code: 'required', message: 'Send at least one of "role", "plan" and "disabled"' }]);
    }
    const now = new Date(this.clock());
    const result = await this.deps.users.changeAccess(id, change, now);
    if (result.outcome === 'not_found') throw new NotFoundError('user', id);
    if (result.outcome === 'unknown_plan') throw new InvalidInputError([{ code: 'unknown_plan', field: 'plan', message: `There is no plan "${change.plan}"` }]);
    if (result.outcome === 'last_admin') {
      throw new ConflictError('This is the last enabled admin; make another account admin first', change.role !== undefined ? 'role' : 'disabled');
    }
    if (result.user.disabled) await this.deps.sessions.endAllSessions(id);
    return toPublicUser(result.user);
  }
}

export function emailTaken(email: string): ConflictError {
  return new ConflictError(`An account with the email ${email} already exists; sign in instead`, 'email');
}

function optionalIssue(field: string, message: string | undefined) {
  return message ? [{ code: 'invalid', field, message }] : [];
}
