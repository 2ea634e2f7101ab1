import type { InstallJob } from '../core/api-types';
import { isFinal, isUrlSource, jobPercent, withJob } from './install-job';

const job = (changes: Partial<InstallJob> = {}): InstallJob => ({
  id: 'j1', source: 'https://example.com/m.onnx', status: 'downloading', bytes: 50, totalBytes: 200, error: null, modelKey: null,
  createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:01Z', ...changes,
});

describe('install jobs', () => {
  it('computes the download percentage, indeterminate without a total', () => {
    expect(jobPercent(job())).toBe(25);
    expect(jobPercent(job({ totalBytes: null }))).toBeNull();
    expect(jobPercent(job({ status: 'probing' }))).toBe(100);
  });

  it('knows final states and URL sources', () => {
    expect(isFinal(job({ status: 'canceled' }))).toBeTrue();
    expect(isFinal(job())).toBeFalse();
    expect(isUrlSource(' https://x.org/a ')).toBeTrue();
    expect(isUrlSource('/srv/models/sd')).toBeFalse();
  });

  it('merges updates, ignoring stale ones', () => {
    const list = withJob([], job());
    expect(withJob(list, job({ bytes: 100, updatedAt: '2026-01-01T00:00:02Z' }))[0]!.bytes).toBe(100);
    expect(withJob(list, job({ bytes: 1, updatedAt: '2025-01-01T00:00:00Z' }))[0]!.bytes).toBe(50);
  });
});
