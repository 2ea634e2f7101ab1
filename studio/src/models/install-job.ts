import type { InstallJob, InstallStatus } from '../core/api-types';

export const FINAL_STATUSES: readonly InstallStatus[] = ['completed', 'failed', 'canceled'];

export function isFinal(job: Pick<InstallJob, 'status'>): boolean {
  return FINAL_STATUSES.includes(job.status);
}

/** Percent downloaded, or null while the total is unknown (the bar is then indeterminate). */
export function jobPercent(job: Pick<InstallJob, 'status' | 'bytes' | 'totalBytes'>): number | null {
  if (job.status === 'completed' || job.status === 'probing') return 100;
  if (!job.totalBytes || job.totalBytes <= 0) return null;
  return Math.min(100, Math.round((job.bytes / job.totalBytes) * 100));
}

/** A job update merged into the list: newer `updatedAt` wins, unknown jobs go first. */
export function withJob(jobs: readonly InstallJob[], job: InstallJob): InstallJob[] {
  const index = jobs.findIndex((each) => each.id === job.id);
  if (index < 0) return [job, ...jobs];
  if (Date.parse(jobs[index]!.updatedAt) > Date.parse(job.updatedAt)) return [...jobs];
  const next = [...jobs];
  next[index] = job;
  return next;
}

/** Whether a source is an http(s) URL (anyone) rather than a path on the server (admins). */
export function isUrlSource(source: string): boolean {
  return /^https?:\/\//i.test(source.trim());
}
