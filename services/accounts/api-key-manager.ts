/**
 * A user's API keys: created with a name and scopes and shown once, listed without secrets,
 * revoked by id. Every lookup is scoped by the owner, so another user's key id is "not found".
 * Keys are managed only from a signed-in session: a leaked key cannot mint or revoke keys.
 */
import type { AuthUser } from '../kernel/auth-middleware';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../kernel/service-errors';
import { toApiKeyView, type ApiKeyView } from './account-views';
import { generateApiKey } from './api-key-format';
import type { ApiKeyStore } from './api-key-store';
import { ADMIN_SCOPE, requireSession } from './authenticator';
import { systemClock, type Clock } from './clock';

/** `area` or `area:access`, e.g. `images:read`, `queue:write`, `admin`. */
export const SCOPE_PATTERN = /^[a-z][a-z0-9-]{0,39}(:[a-z][a-z0-9-]{0,39})?$/;
export const MAX_ACTIVE_KEYS = 50;
const DAY_MS = 86_400_000;

export interface ApiKeyRequest {
  readonly name: string;
  readonly scopes: readonly string[];
  readonly expiresInDays?: number;
}

export class ApiKeyManager {
  private readonly clock: Clock;

  constructor(
    private readonly keys: ApiKeyStore,
    clock?: Clock,
  ) {
    this.clock = clock ?? systemClock;
  }

  /** The new key with its secret, which is not stored and cannot be shown again. */
  async create(caller: AuthUser, request: ApiKeyRequest): Promise<ApiKeyView & { key: string }> {
    requireSession(caller);
    const name = request.name.trim();
    const scopes = [...new Set(request.scopes)];
    const issues = [
      ...(name ? [] : [{ code: 'required', field: 'name', message: 'must not be empty' }]),
      ...scopes.filter((scope) => !SCOPE_PATTERN.test(scope)).map((scope) => ({
        code: 'invalid_scope',
        field: 'scopes',
        message: `"${scope}" is not a scope; scopes look like "images:read" or "queue:write"`,
      })),
    ];
    if (issues.length > 0) throw new InvalidInputError(issues);
    if (scopes.includes(ADMIN_SCOPE) && caller.role !== 'admin') throw new ForbiddenError('Only admins may give a key the "admin" scope');
    const now = this.clock();
    if ((await this.keys.countActiveOfUser(caller.id, new Date(now))) >= MAX_ACTIVE_KEYS) {
      throw new ConflictError(`You already have ${MAX_ACTIVE_KEYS} active API keys; revoke one first`);
    }
    const generated = generateApiKey();
    const record = await this.keys.create({
      userId: caller.id,
      name,
      prefix: generated.prefix,
      keyHash: generated.hash,
      scopes,
      createdAt: new Date(now),
      expiresAt: request.expiresInDays === undefined ? null : new Date(now + request.expiresInDays * DAY_MS),
    });
    return { ...toApiKeyView(record), key: generated.key };
  }

  async list(caller: AuthUser): Promise<ApiKeyView[]> {
    return (await this.keys.listOfUser(caller.id)).map(toApiKeyView);
  }

  async revoke(caller: AuthUser, id: string): Promise<ApiKeyView> {
    requireSession(caller);
    const key = await this.keys.revoke(id, caller.id, new Date(this.clock()));
    if (!key) throw new NotFoundError('API key', id);
    return toApiKeyView(key);
  }
}
