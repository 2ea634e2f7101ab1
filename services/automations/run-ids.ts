/**
 * Run ids: UUIDs of version 7 (RFC 9562), whose first 48 bits are the time in milliseconds. Runs
 * are written in the order they start, so their primary key (and their fire keys, which carry the
 * id) grows at its right edge instead of touching a random page of the index for every run.
 */
import { randomUUID } from 'node:crypto';

export function runId(now = Date.now()): string {
  const time = now.toString(16).padStart(12, '0');
  // A random v4 UUID's last 74 random bits and its variant, under a 7 and the time.
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${randomUUID().slice(15)}`;
}
