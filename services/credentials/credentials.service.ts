/**
 * The credentials vault (service `credentials`, API-key scope `credentials`): a user stores a
 * secret once (a bearer token, a user name and password, a header or query parameter carrying an
 * API key) and nodes such as HTTP Request apply it by id. The secret is sealed on the way in and
 * never comes back out: every answer shows the name, kind and times alone. Owner-scoped: another
 * user's credential is answered as missing.
 */
import type { ServiceSchema } from 'moleculer';
import type { DataSource } from 'typeorm';
import type { CredentialSecret } from '../../nodes/sdk/credentials';
import type { SecretBox } from '../automations/secret-box';
import { defineAction } from '../kernel/action-params';
import { callerOf } from '../kernel/auth-middleware';
import { PAGE_PARAMS, type Page } from '../kernel/request-params';
import { created } from '../kernel/response-meta';
import { NotFoundError } from '../kernel/service-errors';
import { givesSecret, KIND_PARAM, NAME_PARAM, readName, readSecret, SECRET_PARAMS } from './credential-input';
import type { Credential } from './credential-records';
import { CredentialRepository } from './credential.repository';

export interface CredentialsServiceOptions {
  readonly dataSource: DataSource;
  /** Seals the secrets (the platform's one SecretBox, shared with automations). */
  readonly secrets: Pick<SecretBox, 'seal' | 'open'>;
}

const ID = { id: { type: 'string', min: 1, max: 100 } } as const;

export function createCredentialsService(options: CredentialsServiceOptions): ServiceSchema {
  const credentials = new CredentialRepository(options.dataSource);
  const seal = (secret: CredentialSecret) => options.secrets.seal(JSON.stringify(secret));
  const found = (id: string, credential: Credential | undefined): Credential => {
    if (!credential) throw new NotFoundError('credential', id);
    return credential;
  };

  return {
    name: 'credentials',
    settings: { rest: '/' },
    actions: {
      create: defineAction({
        rest: 'POST /credentials',
        params: { name: NAME_PARAM, kind: KIND_PARAM, ...SECRET_PARAMS },
        async handler(ctx): Promise<Credential> {
          const { name, kind, ...fields } = ctx.params;
          const secret = readSecret(kind, fields);
          const credential = await credentials.create(callerOf(ctx).id, { name: readName(name), kind, sealed: seal(secret) });
          created(ctx.meta, `credentials/${credential.id}`);
          return credential;
        },
      }),
      list: defineAction({
        rest: 'GET /credentials',
        params: PAGE_PARAMS,
        handler(ctx): Promise<Page<Credential>> {
          const { limit, offset } = ctx.params;
          return credentials.list(callerOf(ctx).id, { limit, offset });
        },
      }),
      get: defineAction({
        rest: 'GET /credentials/:id',
        params: ID,
        async handler(ctx): Promise<Credential> {
          return found(ctx.params.id, await credentials.find(callerOf(ctx).id, ctx.params.id));
        },
      }),
      update: defineAction({
        rest: 'PATCH /credentials/:id',
        params: { ...ID, name: { ...NAME_PARAM, optional: true }, kind: { ...KIND_PARAM, optional: true }, ...SECRET_PARAMS },
        async handler(ctx): Promise<Credential> {
          const { id, name, kind, ...fields } = ctx.params;
          const owner = callerOf(ctx).id;
          const changes: { name?: string; kind?: CredentialSecret['kind']; sealed?: Uint8Array } = {};
          if (name !== undefined && name !== null) changes.name = readName(name);
          if ((kind !== undefined && kind !== null) || givesSecret(fields)) {
            const stored = await credentials.findSealed(owner, id);
            if (!stored) throw new NotFoundError('credential', id);
            const newKind = kind ?? stored.kind;
            // The same kind keeps the fields not given (a new password, the same user name); another kind starts afresh.
            const current = newKind === stored.kind ? (JSON.parse(options.secrets.open(stored.sealed)) as CredentialSecret) : undefined;
            changes.kind = newKind;
            changes.sealed = seal(readSecret(newKind, fields, current));
          }
          return found(id, await credentials.update(owner, id, changes));
        },
      }),
      remove: defineAction({
        rest: 'DELETE /credentials/:id',
        params: ID,
        async handler(ctx): Promise<{ id: string; deleted: true }> {
          if (!(await credentials.delete(callerOf(ctx).id, ctx.params.id))) throw new NotFoundError('credential', ctx.params.id);
          return { id: ctx.params.id, deleted: true };
        },
      }),
    },
  };
}
