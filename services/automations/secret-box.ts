/**
 * Secrets the platform must read back (a webhook's signing secret, stored credentials), encrypted
 * at rest with AES-256-GCM. The key comes from PINKSEA_SECRETS_KEY, or is derived (HKDF-SHA256)
 * from the token-signing secret when that is empty, so one setting shared by a cluster's
 * processes serves both. Each value has its own random nonce; the tag makes a changed or
 * truncated ciphertext fail to open rather than read as garbage.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { PinkseaError } from '../../engine/errors';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** A format byte first, so the scheme can change without guessing. */
const VERSION = 1;

export class SecretBox {
  private readonly key: Buffer;

  /** `secret`: the configured key (any length; stretched to 32 bytes). */
  constructor(secret: string, purpose = 'pinksea:secrets') {
    if (!secret) throw new PinkseaError('secrets_key_missing', 'No key to encrypt secrets with: set PINKSEA_SECRETS_KEY', 'internal');
    this.key = Buffer.from(hkdfSync('sha256', secret, 'pinksea', purpose, 32));
  }

  seal(plain: string): Buffer {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), nonce, cipher.getAuthTag(), body]);
  }

  open(sealed: Uint8Array): string {
    const bytes = Buffer.from(sealed);
    if (bytes.length < 1 + NONCE_BYTES + TAG_BYTES || bytes[0] !== VERSION) throw unreadable();
    const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(1, 1 + NONCE_BYTES));
    decipher.setAuthTag(bytes.subarray(1 + NONCE_BYTES, 1 + NONCE_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(1 + NONCE_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw unreadable();
    }
  }
}

const unreadable = () =>
  new PinkseaError('secret_unreadable', 'A stored secret cannot be decrypted: the secrets key changed since it was stored; set it back, or rotate the secret', 'internal');
