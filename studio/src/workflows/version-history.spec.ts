import type { Page, WorkflowVersionSummary } from '../core/api-types';
import { authorName, previousVersion, VersionHistory } from './version-history';

const version = (n: number): WorkflowVersionSummary => ({ workflowId: 'w1', version: n, authorId: 'u1', note: `v${n}`, createdAt: '2026-01-01T00:00:00Z' });

/** A history of `total` versions, newest first, paged like the API. */
function server(total: () => number) {
  const calls: [number, number][] = [];
  const load = async (offset: number, limit: number): Promise<Page<WorkflowVersionSummary>> => {
    calls.push([offset, limit]);
    const all = Array.from({ length: total() }, (_, index) => version(total() - index));
    return { items: all.slice(offset, offset + limit), total: total(), limit, offset };
  };
  return { calls, load };
}

describe('VersionHistory', () => {
  it('loads the newest page, then more until every version is shown', async () => {
    const { calls, load } = server(() => 5);
    const history = new VersionHistory(load, 2);
    await history.reload();
    expect(history.items().map((item) => item.version)).toEqual([5, 4]);
    expect(history.hasMore()).toBeTrue();
    await history.more();
    await history.more();
    expect(history.items().map((item) => item.version)).toEqual([5, 4, 3, 2, 1]);
    expect(history.hasMore()).toBeFalse();
    await history.more();
    expect(calls).toEqual([
      [0, 2],
      [2, 2],
      [4, 2],
    ]);
    expect(history.loading()).toBeFalse();
  });

  it('skips a version already shown when a publish shifts the pages', async () => {
    let total = 3;
    const { load } = server(() => total);
    const history = new VersionHistory(load, 2);
    await history.reload();
    total = 4;
    await history.more();
    expect(history.items().map((item) => item.version)).toEqual([3, 2, 1]);
    expect(history.total()).toBe(4);
  });

  it('drops a page asked for before a reload', async () => {
    let answer: ((page: Page<WorkflowVersionSummary>) => void) | undefined;
    const pending = new Promise<Page<WorkflowVersionSummary>>((resolve) => (answer = resolve));
    let first = true;
    const history = new VersionHistory(async (offset, limit) => {
      if (first) {
        first = false;
        return pending;
      }
      return { items: [version(9)], total: 1, limit, offset };
    });
    const stale = history.reload();
    await history.reload();
    answer!({ items: [version(1)], total: 1, limit: 20, offset: 0 });
    await stale;
    expect(history.items().map((item) => item.version)).toEqual([9]);
    expect(history.loading()).toBeFalse();
  });
});

describe('version rows', () => {
  it('names the previous version, none before the first', () => {
    expect(previousVersion(3)).toBe(2);
    expect(previousVersion(1)).toBeNull();
  });

  it('calls the signed-in author "you", and says when the account is gone', () => {
    const me = { id: 'u1', displayName: 'Ada' };
    expect(authorName('u1', me)).toBe('you');
    expect(authorName(null, me)).toBe('a deleted account');
    expect(authorName('u2', me)).toBe('another account');
  });
});
