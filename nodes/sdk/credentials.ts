/**
 * Stored credentials as nodes apply them. A credential's secret is one of four kinds; applying it
 * gives the headers and query parameters a request carries (engine/node-context.ts
 * `ResolvedCredential`). The platform's vault (services/credentials) and the test kit's memory
 * context both resolve through `applyCredential`, so a node behaves the same in a spec as on the
 * platform.
 */
import type { ResolvedCredential } from '../../engine/node-context';

export const CREDENTIAL_KINDS = ['bearer', 'basic', 'header', 'query'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** The secret fields of each kind, as the vault stores them (encrypted). */
export type CredentialSecret =
  | { readonly kind: 'bearer'; readonly token: string }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'header'; readonly headerName: string; readonly value: string }
  | { readonly kind: 'query'; readonly paramName: string; readonly value: string };

/** The fields each kind's secret has, in the order a form asks for them. */
export const SECRET_FIELDS: Readonly<Record<CredentialKind, readonly string[]>> = {
  bearer: ['token'],
  basic: ['username', 'password'],
  header: ['headerName', 'value'],
  query: ['paramName', 'value'],
};

/** What printing or serialising a resolved credential shows instead of its values. */
export const REDACTED = '[credential]';

/**
 * The headers and query parameters that carry the secret: `Authorization: Bearer …`,
 * `Authorization: Basic …` (RFC 7617, UTF-8), a header of the credential's name, or a query
 * parameter.
 */
export function applyCredential(secret: CredentialSecret): ResolvedCredential {
  switch (secret.kind) {
    case 'bearer':
      return resolved({ authorization: `Bearer ${secret.token}` }, {});
    case 'basic':
      return resolved({ authorization: `Basic ${Buffer.from(`${secret.username}:${secret.password}`, 'utf8').toString('base64')}` }, {});
    case 'header':
      return resolved({ [secret.headerName.toLowerCase()]: secret.value }, {});
    case 'query':
      return resolved({}, { [secret.paramName]: secret.value });
  }
}

/**
 * Frozen, and `[credential]` when it is turned into JSON or printed by console.log or a logger,
 * so a node that passes it somewhere by mistake leaks nothing.
 */
function resolved(headers: Record<string, string>, query: Record<string, string>): ResolvedCredential {
  const credential = { headers: Object.freeze(headers), query: Object.freeze(query) };
  Object.defineProperty(credential, 'toJSON', { value: () => REDACTED });
  Object.defineProperty(credential, Symbol.for('nodejs.util.inspect.custom'), { value: () => REDACTED });
  return Object.freeze(credential);
}
