import type { ModelRecord, ModelRecordReader } from './model-records';
import { cachedModelRecords } from './cached-model-records';

describe('cachedModelRecords', () => {
  const record = { key: 'k', name: 'model' } as ModelRecord;
  const counting = (answer: ModelRecord | undefined) => {
    const calls: string[] = [];
    const reader: ModelRecordReader = { findVisible: async (viewer, key) => (calls.push(`${viewer}/${key}`), answer) };
    return { reader, calls };
  };

  it('asks once per viewer and key within its time to live', async () => {
    const { reader, calls } = counting(record);
    const cached = cachedModelRecords(reader, { ttlMs: 60_000 });
    expect(await cached.findVisible('alice', 'k')).toBe(record);
    expect(await cached.findVisible('alice', 'k')).toBe(record);
    await cached.findVisible('bob', 'k');
    expect(calls).toEqual(['alice/k', 'bob/k']);
  });

  it('asks again once the time to live has passed', async () => {
    const { reader, calls } = counting(record);
    const cached = cachedModelRecords(reader, { ttlMs: 5 });
    await cached.findVisible('alice', 'k');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await cached.findVisible('alice', 'k');
    expect(calls.length).toBe(2);
  });

  it('does not remember that a model was missing, so an install shows at once', async () => {
    const { reader, calls } = counting(undefined);
    const cached = cachedModelRecords(reader, { ttlMs: 60_000 });
    expect(await cached.findVisible('alice', 'k')).toBeUndefined();
    expect(await cached.findVisible('alice', 'k')).toBeUndefined();
    expect(calls.length).toBe(2);
  });
});
