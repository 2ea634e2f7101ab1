import { formatBytes } from './format-bytes';

describe('formatBytes', () => {
  it('picks a unit and keeps one decimal for small values', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(101)).toBe('101 B');
    expect(formatBytes(1024)).toBe('1 KB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(256 * 1024)).toBe('256 KB');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MB');
    expect(formatBytes(3.2 * 1024 ** 3)).toBe('3.2 GB');
    expect(formatBytes(5 * 1024 ** 5)).toBe('5120 TB');
  });

  it('shows a dash for nonsense', () => {
    expect(formatBytes(Number.NaN)).toBe('–');
    expect(formatBytes(-1)).toBe('–');
  });
});
