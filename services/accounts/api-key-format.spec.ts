import { createHash } from 'node:crypto';
import { generateApiKey, hashSecret, looksLikeApiKey, parseApiKey } from './api-key-format';

describe('API key format', () => {
  it('is psk_<8-character prefix>_<32 random bytes, base64url>', () => {
    const { key, prefix } = generateApiKey();
    expect(key).toMatch(/^psk_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(`psk_${prefix}_`)).toBeTrue();
    expect(Buffer.from(key.slice(13), 'base64url').length).toBe(32);
  });

  it('is different every time', () => {
    const keys = new Set(Array.from({ length: 50 }, () => generateApiKey().key));
    expect(keys.size).toBe(50);
  });

  it('stores only the SHA-256 of the whole key', () => {
    const { key, hash } = generateApiKey();
    expect(hash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(hash).not.toContain(key.slice(13));
    expect(hashSecret(key)).toBe(hash);
  });

  it('parses well-formed keys and nothing else', () => {
    const { key, prefix } = generateApiKey();
    expect(parseApiKey(key)).toEqual({ prefix });
    expect(parseApiKey(`${key}x`)).toBeUndefined();
    expect(parseApiKey('psk_short_abc')).toBeUndefined();
    expect(parseApiKey('eyJhbGciOiJIUzI1NiJ9.e30.sig')).toBeUndefined();
  });

  it('tells API keys from JWTs by their tag', () => {
    expect(looksLikeApiKey(generateApiKey().key)).toBeTrue();
    expect(looksLikeApiKey('eyJhbGciOiJIUzI1NiJ9.e30.sig')).toBeFalse();
  });
});
