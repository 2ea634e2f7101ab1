import { exactTime, relativeTime } from './relative-time';

describe('relative time', () => {
  const now = new Date('2026-03-10T12:00:00Z');

  it('tells the time relative to now, and the date once it is old', () => {
    expect(relativeTime('2026-03-10T11:59:50Z', now)).toBe('just now');
    expect(relativeTime('2026-03-10T11:55:00Z', now)).toBe('5 minutes ago');
    expect(relativeTime('2026-03-10T09:00:00Z', now)).toBe('3 hours ago');
    expect(relativeTime('2026-03-09T12:00:00Z', now)).toBe('yesterday');
    expect(relativeTime('2026-02-24T12:00:00Z', now)).toBe('2 weeks ago');
    expect(relativeTime('2025-12-01T12:00:00Z', now)).toBe('Dec 1, 2025');
    expect(relativeTime('not a date', now)).toBe('not a date');
  });

  it('reads future times, down to seconds', () => {
    expect(relativeTime('2026-03-10T12:00:12Z', now)).toBe('in 12 seconds');
    expect(relativeTime('2026-03-10T12:00:00.400Z', now)).toBe('in 1 second');
    expect(relativeTime('2026-03-10T12:05:00Z', now)).toBe('in 5 minutes');
    expect(relativeTime('2026-03-10T14:00:00Z', now)).toBe('in 2 hours');
    expect(relativeTime('2026-03-11T12:00:00Z', now)).toBe('tomorrow');
    expect(relativeTime('2027-03-11T12:00:00Z', now)).toBe('Mar 11, 2027');
  });

  it('keeps what is not a date as it is', () => {
    expect(relativeTime('soon', now)).toBe('soon');
    expect(exactTime('soon')).toBe('soon');
    expect(exactTime('2026-03-10T12:00:00Z')).toContain('2026');
  });
});
