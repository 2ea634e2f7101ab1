/**
 * Email addresses as accounts use them: trimmed and lower-cased, so `Ada@Example.com` and
 * `ada@example.com` are one account (the users table's unique index is on lower(email) too).
 * The check is deliberately plain: something@domain, no spaces, a dotted or single-label domain
 * (`admin@localhost` is the default admin).
 */
export const EMAIL_MAX_LENGTH = 254;
export const EMAIL_PATTERN = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)*$/;
export const EMAIL_HINT = 'must be an email address such as ada@example.com';

export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

export function isEmailAddress(email: string): boolean {
  return email.length <= EMAIL_MAX_LENGTH && EMAIL_PATTERN.test(email);
}
