/**
 * Passwords are hashed with argon2id (memory-hard, the OWASP recommendation) at OWASP's
 * minimum settings: 19 MiB, 2 passes, one lane. The PHC string keeps its own parameters, so
 * raising them later still verifies old hashes.
 */
import { hash, verify } from '@node-rs/argon2';

export const PASSWORD_MIN_LENGTH = 10;
/** Long enough for any passphrase; bounds the work one request can ask for. */
export const PASSWORD_MAX_LENGTH = 1024;

const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Verified against when the email is unknown, so that case takes as long as a wrong password. */
let decoy: Promise<string> | undefined;

export function hashPassword(password: string): Promise<string> {
  // @node-rs/argon2 defaults to argon2id; its Algorithm enum is a const enum that
  // isolatedModules cannot import, and password-hasher.spec.ts checks the `$argon2id$` prefix.
  return hash(password, OPTIONS);
}

/** True when `password` matches the hash; false (never a throw) for a wrong password or a malformed hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** Spends the time of one verification and answers false: for unknown emails (no user enumeration). */
export async function verifyAgainstDecoy(password: string): Promise<false> {
  decoy ??= hashPassword('pinksea-decoy-password');
  await verifyPassword(await decoy, password);
  return false;
}

/** Why a new password is not acceptable, or undefined when it is. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters long`;
  if (password.length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters long`;
  if (password.trim().length === 0) return 'must not be only spaces';
  return undefined;
}
