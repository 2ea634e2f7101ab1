import { LruInvocationCache } from '../../engine/execution/invocation-cache';
import { ownerInvocationCache } from './owner-invocation-cache';

describe('ownerInvocationCache', () => {
  it('keeps each owner\'s results apart in one shared cache', () => {
    const shared = new LruInvocationCache(10);
    ownerInvocationCache(shared, 'alice').set('k', { value: 1 });
    expect(ownerInvocationCache(shared, 'alice').get('k')).toEqual({ value: 1 });
    expect(ownerInvocationCache(shared, 'bob').get('k')).toBeUndefined();
  });

  it('keeps no outputs that name an image, a tensor or conditioning, however deep', () => {
    const shared = new LruInvocationCache(10);
    const cache = ownerInvocationCache(shared, 'alice');
    cache.set('image', { image: { imageName: 'a.png' } });
    cache.set('tensor', { list: [{ nested: { tensorName: 't1' } }] });
    cache.set('conditioning', { conditioning: { conditioningName: 'c1' } });
    cache.set('plain', { text: 'imageName', count: 3, items: [1, 2] });
    expect(['image', 'tensor', 'conditioning', 'plain'].map((key) => cache.get(key) !== undefined)).toEqual([false, false, false, true]);
  });

  it('keeps no outputs too large to be worth a walk', () => {
    const cache = ownerInvocationCache(new LruInvocationCache(10), 'alice');
    cache.set('huge', { values: Array.from({ length: 20_000 }, (_, index) => index) });
    expect(cache.get('huge')).toBeUndefined();
  });
});
