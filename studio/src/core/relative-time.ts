/**
 * Times as a person reads them in lists: "5 minutes ago", "in 2 hours", with the exact time kept
 * for a hover title.
 */

const UNITS: readonly [limit: number, seconds: number, unit: Intl.RelativeTimeFormatUnit][] = [
  [3600, 60, 'minute'],
  [86_400, 3600, 'hour'],
  [7 * 86_400, 86_400, 'day'],
  [30 * 86_400, 7 * 86_400, 'week'],
];

/**
 * Past: "just now", "5 minutes ago", "yesterday", "3 weeks ago"; future: "in 12 seconds",
 * "in 5 minutes", "tomorrow"; further either way, the date.
 */
export function relativeTime(iso: string, now: Date = new Date()): string {
  const then = new Date(iso);
  const ms = now.getTime() - then.getTime();
  if (!Number.isFinite(ms)) return iso;
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  const ahead = ms < 0;
  const distance = Math.round(Math.abs(ms) / 1000);
  if (!ahead && distance < 45) return 'just now';
  if (ahead && distance < 60) return format.format(Math.max(1, distance), 'second');
  for (const [limit, size, unit] of UNITS) {
    if (distance < limit) return format.format((ahead ? 1 : -1) * Math.max(1, Math.round(distance / size)), unit);
  }
  return then.toLocaleDateString('en', { year: 'numeric', month: 'short', day: 'numeric' });
}

/** The exact local date and time, for a title beside a relative one. */
export function exactTime(iso: string): string {
  const date = new Date(iso);
  return Number.isFinite(date.getTime()) ? date.toLocaleString('en', { dateStyle: 'medium', timeStyle: 'medium' }) : iso;
}
