/**
 * API keys look like `psk_<prefix>_<secret>`: a fixed tag so scanners and people recognise them,
 * an 8-character prefix that is stored in clear so a user can tell keys apart in a list, and 32
 * random bytes (base64url). Only the SHA-256 of the whole key is stored: with 256 bits of
 * entropy a fast hash cannot be brute-forced, and it lets a request find its key by an index.
 */
import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_TAG = 'psk';
const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const API_KEY_PATTERN = /^psk_([A-Za-z0-9]{8})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKey {
  /** The key itself: shown once, never stored. */
  readonly key: string;
  readonly prefix: string;
  readonly hash: string;
}

export function generateApiKey(): NewApiKey {
  const prefixBytes = randomBytes(8);
  const prefix = Array.from(prefixBytes, (byte) => PREFIX_ALPHABET[byte % PREFIX_ALPHABET.length]).join('');
  const key = `${API_KEY_TAG}_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: hashSecret(key) };
}

/** Whether the string has the shape of an API key (rather than a JWT). */
export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(`${API_KEY_TAG}_`);
}

/** The prefix of a well-formed key, or undefined. */
export function parseApiKey(token: string): { prefix: string } | undefined {
  const match = API_KEY_PATTERN.exec(token);
  return match ? { prefix: match[1]! } : undefined;
}

/** SHA-256, hex: for high-entropy secrets only (API keys, refresh tokens), never for passwords. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
