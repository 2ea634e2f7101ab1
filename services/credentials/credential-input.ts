/**
 * Reads a credential's name and secret fields from a request. The action's params rules bound
 * types and lengths; this checks what they cannot: which fields each kind needs and which it does
 * not use, header names as RFC 7230 tokens, and no line breaks or control characters in anything
 * that ends up in a request (header injection). Every refusal names its field and never quotes the
 * value, which may be a secret.
 */
import type { Issue } from '../../engine/errors';
import { CREDENTIAL_KINDS, SECRET_FIELDS, type CredentialKind, type CredentialSecret } from '../../nodes/sdk/credentials';
import { characterProblem, headerNameProblem, headerValueProblem } from '../../nodes/sdk/http-header';
import { InvalidInputError } from '../kernel/service-errors';

export const MAX_NAME_LENGTH = 200;
/** Long enough for a JWT or a cloud provider's signed token. */
export const MAX_SECRET_LENGTH = 8192;
export const MAX_IDENTIFIER_LENGTH = 256;

/** The params rules of the secret fields, spread into the create and update actions. */
export const SECRET_PARAMS = {
  token: { type: 'string', max: MAX_SECRET_LENGTH, optional: true },
  username: { type: 'string', max: MAX_IDENTIFIER_LENGTH, optional: true },
  password: { type: 'string', max: MAX_SECRET_LENGTH, optional: true },
  headerName: { type: 'string', max: MAX_IDENTIFIER_LENGTH, optional: true },
  paramName: { type: 'string', max: MAX_IDENTIFIER_LENGTH, optional: true },
  value: { type: 'string', max: MAX_SECRET_LENGTH, optional: true },
} as const;

export const KIND_PARAM = { type: 'enum', values: CREDENTIAL_KINDS } as const;
export const NAME_PARAM = { type: 'string', trim: true, min: 1, max: MAX_NAME_LENGTH } as const;

export type SecretFieldName = keyof typeof SECRET_PARAMS;
export type SecretFields = { readonly [K in SecretFieldName]?: string | null };

const ALL_SECRET_FIELDS = Object.keys(SECRET_PARAMS) as SecretFieldName[];

/** The name, or an InvalidInputError naming `name`. */
export function readName(name: string): string {
  const problem = characterProblem(name);
  if (problem) throw new InvalidInputError([{ code: 'invalid_name', field: 'name', message: `The name ${problem}` }]);
  return name;
}

/** Whether the request gives any secret field (null counts as not given). */
export function givesSecret(fields: SecretFields): boolean {
  return ALL_SECRET_FIELDS.some((name) => fields[name] !== undefined && fields[name] !== null);
}

/**
 * The secret of `kind` from `given`, completed by `stored` (the credential's current secret of the
 * same kind, when only some of its fields change). An InvalidInputError naming every field at fault.
 */
export function readSecret(kind: CredentialKind, given: SecretFields, stored?: CredentialSecret): CredentialSecret {
  const issues: Issue[] = [];
  const wanted = SECRET_FIELDS[kind];
  for (const name of ALL_SECRET_FIELDS) {
    if (!wanted.includes(name) && given[name] !== undefined && given[name] !== null) {
      issues.push({ code: 'unused_field', field: name, message: `A ${kind} credential has no "${name}"; it takes ${wanted.join(' and ')}` });
    }
  }
  const values: Record<string, string> = {};
  for (const name of wanted) {
    const value = given[name as SecretFieldName] ?? (stored as Record<string, string> | undefined)?.[name];
    if (value === undefined || value === null) {
      issues.push({ code: 'required', field: name, message: `A ${kind} credential needs "${name}"` });
      continue;
    }
    const problem = problemOf(kind, name, value);
    if (problem) issues.push({ code: 'invalid_value', field: name, message: `"${name}" ${problem}` });
    values[name] = value;
  }
  if (issues.length > 0) throw new InvalidInputError(issues);
  return { kind, ...values } as CredentialSecret;
}

function problemOf(kind: CredentialKind, name: string, value: string): string | undefined {
  // A password may be empty (some APIs take the key as the user name alone); nothing else may.
  if (value.length === 0 && name !== 'password') return 'must not be empty';
  if (name === 'headerName') return headerNameProblem(value);
  if (name === 'username' && value.includes(':')) return 'must not contain ":" (it separates the user name from the password in Basic auth)';
  // What goes into a header as it is is held to header rules; Basic auth's fields are base64-encoded
  // and a query's are URL-encoded, so any text goes, but still on one line.
  if (kind === 'query' || kind === 'basic') return characterProblem(value);
  return headerValueProblem(value);
}
