import { hashPassword, passwordProblem, verifyAgainstDecoy, verifyPassword } from './password-hasher';

describe('password hashing', () => {
  it('hashes with argon2id at 19 MiB and 2 passes, salted, never the password in clear', async () => {
    const first = await hashPassword('correct horse battery');
    const second = await hashPassword('correct horse battery');
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(first).not.toContain('correct horse battery');
    expect(first).not.toBe(second);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(await verifyPassword(hash, 'correct horse battery')).toBeTrue();
    expect(await verifyPassword(hash, 'correct horse batterY')).toBeFalse();
  });

  it('answers false rather than throwing for a malformed stored hash', async () => {
    expect(await verifyPassword('not-a-phc-string', 'whatever123')).toBeFalse();
  });

  it('spends a verification on unknown accounts and answers false', async () => {
    expect(await verifyAgainstDecoy('pinksea-decoy-password')).toBeFalse();
  });

  it('names what is wrong with a new password', () => {
    expect(passwordProblem('short')).toBe('must be at least 10 characters long');
    expect(passwordProblem(' '.repeat(12))).toBe('must not be only spaces');
    expect(passwordProblem('x'.repeat(1025))).toBe('must be at most 1024 characters long');
    expect(passwordProblem('long enough pass')).toBeUndefined();
  });
});
