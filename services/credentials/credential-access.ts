/**
 * `ctx.credentials` on the platform: the run owner's stored credentials, opened for a node that
 * asks by id. One is made per run (the queue worker's context host, the inline run thread), bound
 * to the run's owner, so a graph can name only its owner's credentials: another user's id is
 * answered exactly as a made-up one. Each use marks the credential used. The secret goes only
 * into the returned headers and query parameters, which print as `[credential]`.
 */
import { NodeError } from '../../engine/errors';
import type { CredentialAccess, ResolvedCredential } from '../../engine/node-context';
import { applyCredential, type CredentialSecret } from '../../nodes/sdk/credentials';
import type { SecretBox } from '../automations/secret-box';
import type { CredentialRecords } from './credential-records';

export interface CredentialAccessOptions {
  readonly records: Pick<CredentialRecords, 'takeForUse'>;
  readonly secrets: Pick<SecretBox, 'open'>;
  /** The run's owner: the only user whose credentials it may use. */
  readonly ownerId: string;
}

/** The longest id quoted back in an error; anything longer is not an id. */
const MAX_QUOTED_ID = 100;

export function createCredentialAccess(options: CredentialAccessOptions): CredentialAccess {
  return {
    async use(id: string, field = 'credential'): Promise<ResolvedCredential> {
      const stored = typeof id === 'string' ? await options.records.takeForUse(options.ownerId, id) : undefined;
      if (!stored) {
        const shown = String(id).slice(0, MAX_QUOTED_ID);
        throw new NodeError('unknown_credential', `You have no stored credential with the id "${shown}": pick one from your credentials`, { field });
      }
      return applyCredential(JSON.parse(options.secrets.open(stored.sealed)) as CredentialSecret);
    },
  };
}
