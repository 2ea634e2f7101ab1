import { inspect } from 'node:util';
import { applyCredential, REDACTED } from './credentials';

describe('applyCredential', () => {
  it('makes each kind into the headers or query parameters that carry it', () => {
    const plain = (value: object) => ({ ...value });
    expect(plain(applyCredential({ kind: 'bearer', token: 'abc' }))).toEqual({ headers: { authorization: 'Bearer abc' }, query: {} });
    expect(plain(applyCredential({ kind: 'basic', username: 'ada', password: 'pä:ss' }))).toEqual({ headers: { authorization: `Basic ${Buffer.from('ada:pä:ss').toString('base64')}` }, query: {} });
    expect(plain(applyCredential({ kind: 'header', headerName: 'X-Api-Key', value: 'k' }))).toEqual({ headers: { 'x-api-key': 'k' }, query: {} });
    expect(plain(applyCredential({ kind: 'query', paramName: 'key', value: 'k' }))).toEqual({ headers: {}, query: { key: 'k' } });
  });

  it('prints and serialises as [credential], never its values, and cannot be changed', () => {
    const credential = applyCredential({ kind: 'bearer', token: 'very-secret' });
    expect(JSON.stringify({ credential })).toBe(`{"credential":"${REDACTED}"}`);
    expect(inspect({ credential })).not.toContain('very-secret');
    expect(`${inspect(credential)}`).toBe(REDACTED);
    expect(Object.isFrozen(credential) && Object.isFrozen(credential.headers)).toBeTrue();
  });
});
