import { describeSettings, loadConfig } from './config';
import { ConfigError } from './settings';

describe('configuration', () => {
  it('runs on defaults alone: every role, embedded database, no transporter', () => {
    const config = loadConfig({});
    expect(config.role).toBe('all');
    expect(config.databaseUrl).toBe('');
    expect(config.transporter).toBe('');
    expect(config.port).toBe(9090);
    expect(config.accessTokenTtlMs).toBe(15 * 60_000);
  });

  it('reads typed values from the environment', () => {
    const config = loadConfig({ PINKSEA_ROLE: 'worker', PINKSEA_PORT: '0', PINKSEA_ACCESS_TOKEN_TTL: '30s', DATABASE_URL: 'postgres://x@h:5432/db' });
    expect([config.role, config.port, config.accessTokenTtlMs, config.databaseUrl]).toEqual(['worker', 0, 30_000, 'postgres://x@h:5432/db']);
  });

  it('reports every bad variable at once, hiding secrets', () => {
    try {
      loadConfig({ PINKSEA_ROLE: 'boss', PINKSEA_PORT: '99999', PINKSEA_REFRESH_TOKEN_TTL: 'soon', DATABASE_URL: 'not a url' });
      fail('expected a configuration error');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([
        'PINKSEA_ROLE: expected one of all, api, worker, scheduler, got "boss"',
        'PINKSEA_PORT: expected at most 65535, got "99999"',
        'DATABASE_URL: expected a URL, got (hidden)',
        'PINKSEA_REFRESH_TOKEN_TTL: expected a duration such as 15m, 30s or 7d, got "soon"',
      ]);
    }
  });

  it('reads how images are delivered and how long their presigned URLs live, within S3\'s bounds', () => {
    expect([loadConfig({}).imageDelivery, loadConfig({}).signedUrlTtlMs]).toEqual(['redirect', 5 * 60_000]);
    const config = loadConfig({ PINKSEA_IMAGE_DELIVERY: 'stream', PINKSEA_SIGNED_URL_TTL: '90s' });
    expect([config.imageDelivery, config.signedUrlTtlMs]).toEqual(['stream', 90_000]);
    for (const ttl of ['500ms', '8d']) expect(() => loadConfig({ PINKSEA_SIGNED_URL_TTL: ttl })).withContext(ttl).toThrowError(ConfigError, /PINKSEA_SIGNED_URL_TTL: expected a duration from 1s to 7d/);
    expect(() => loadConfig({ PINKSEA_IMAGE_DELIVERY: 'email' })).toThrowError(ConfigError, /PINKSEA_IMAGE_DELIVERY: expected one of redirect, stream/);
  });

  it('documents every setting', () => {
    for (const row of describeSettings()) expect(row.doc.length).withContext(row.env).toBeGreaterThan(10);
  });
});
