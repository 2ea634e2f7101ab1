import { createTestRegistry, edge, graph, MemoryContextHost, node } from '../../nodes/sdk/testing';
import type { EngineEvent } from './engine-events';
import { canonicalJson, LruInvocationCache } from './invocation-cache';
import { runGraph } from './run-graph';

describe('invocation cache', () => {
  it('evicts the least recently used entry past its bound', () => {
    const cache = new LruInvocationCache(2);
    cache.set('a', { v: 1 });
    cache.set('b', { v: 2 });
    cache.get('a');
    cache.set('c', { v: 3 });
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual({ v: 1 });
    expect(cache.stats()).toEqual({ hits: 1 + 1, misses: 1, evictions: 1, size: 2 });
  });

  it('keys equal values equally whatever their key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 2], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, 2] }, b: 1 }));
  });

  it('answers unchanged steps from the cache on the next run and recomputes what changed', async () => {
    const { registry, calls } = createTestRegistry();
    const host = new MemoryContextHost();
    const cache = new LruInvocationCache(100);
    const make = (b: number) =>
      graph([node('x', 'test.number', { value: 1 }), node('y', 'test.add', { b })], [edge('x.value', 'y.a')]);

    await runGraph(make(2), { registry, host, cache });
    const events: EngineEvent[] = [];
    const second = await runGraph(make(3), { registry, host, cache, onEvent: (event) => events.push(event) });
    expect(second.outputsOf('y')).toEqual([{ value: 4 }]);
    expect(calls.get('test.number')).toBe(1);
    expect(calls.get('test.add')).toBe(2);
    expect(events.map((event) => `${event.name}:${event.payload.nodeId}`)).toEqual([
      'invocation_cached:x',
      'invocation_started:y',
      'invocation_complete:y',
    ]);
    expect(second.runsOf('x')[0]!.cached).toBeTrue();
  });

  it('never caches a node whose graph node opts out', async () => {
    const { registry, calls } = createTestRegistry();
    const host = new MemoryContextHost();
    const cache = new LruInvocationCache(100);
    const g = graph([node('x', 'test.number', { value: 1 }, { useCache: false })]);
    await runGraph(g, { registry, host, cache });
    await runGraph(g, { registry, host, cache });
    expect(calls.get('test.number')).toBe(2);
    expect(cache.size).toBe(0);
  });
});
