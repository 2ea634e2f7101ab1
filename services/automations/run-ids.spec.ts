import { runId } from './run-ids';

describe('runId', () => {
  it('is a version 7 UUID with the RFC 9562 variant', () => {
    expect(runId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('starts with the time in milliseconds, so later runs sort after earlier ones', () => {
    const at = Date.UTC(2026, 11, 7, 10, 0, 0, 123);
    expect(runId(at).replace('-', '').slice(0, 12)).toBe(at.toString(16).padStart(12, '0'));
    const ids = [runId(at), runId(at + 1), runId(at + 1000), runId(at + 86_400_000)];
    expect([...ids].sort()).toEqual(ids);
  });

  it('differs within one millisecond', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => runId(1_000_000)));
    expect(ids.size).toBe(1000);
  });
});
