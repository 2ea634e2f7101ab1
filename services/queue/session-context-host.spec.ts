import { runGraph } from '../../engine/execution/run-graph';
import type { ModelRef } from '../../engine/fields/field-types';
import { createTestRegistry, graph, MemoryCredentials, MemoryImageStore, node } from '../../nodes/sdk/testing';
import { SessionContextHost, type InvocationModels } from './session-context-host';

describe('SessionContextHost', () => {
  const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

  function counted() {
    const made: jasmine.Spy[] = [];
    const factory = (): InvocationModels => {
      const release = jasmine.createSpy('release');
      made.push(release);
      const refuse = (ref: ModelRef) => Promise.reject(new Error(ref.key));
      return { info: refuse, load: refuse, readFile: refuse, release };
    };
    return { made, factory };
  }

  it('makes one model loader per invocation and releases it when the node returns or throws', async () => {
    const { registry } = createTestRegistry();
    const { made, factory } = counted();
    const host = new SessionContextHost({ images: new MemoryImageStore(), models: factory, logger });
    const ok = await runGraph(graph([node('a', 'test.number', { value: 1 }), node('b', 'test.number', { value: 2 })], []), { registry, host });
    expect(ok.status).toBe('completed');
    expect(made.length).toBe(2);
    for (const release of made) expect(release).toHaveBeenCalledTimes(1);

    const failed = await runGraph(graph([node('f', 'test.fail')], []), { registry, host });
    expect(failed.status).toBe('failed');
    expect(made.length).toBe(3);
    expect(made[2]).toHaveBeenCalledTimes(1);
  });

  it('still takes one shared loader', () => {
    const shared = { info: () => Promise.reject(new Error('none')), load: () => Promise.reject(new Error('none')), readFile: () => Promise.reject(new Error('none')) };
    const host = new SessionContextHost({ images: new MemoryImageStore(), models: shared, logger });
    const ctx = host.createContext({ sessionId: 's', nodeId: 'n', instanceId: 'n', type: 't', version: '1.0.0' }, { signal: new AbortController().signal, progress: () => undefined });
    expect(ctx.models).toBe(shared);
    host.releaseContext(ctx);
  });

  it('hands nodes the run owner’s credentials and the network policy it was given, and none when it was given none', async () => {
    const info = { sessionId: 's', nodeId: 'n', instanceId: 'n', type: 't', version: '1.0.0' };
    const hooks = { signal: new AbortController().signal, progress: () => undefined };
    const credentials = new MemoryCredentials(new Map([['c1', { kind: 'bearer', token: 'secret' }]]));
    const network = { allowPrivateAddresses: true };
    const shared = { info: () => Promise.reject(new Error('none')), load: () => Promise.reject(new Error('none')), readFile: () => Promise.reject(new Error('none')) };
    const ctx = new SessionContextHost({ images: new MemoryImageStore(), models: shared, logger, credentials, network }).createContext(info, hooks);
    expect(ctx.credentials).toBe(credentials);
    expect(ctx.network).toBe(network);
    expect((await ctx.credentials!.use('c1')).headers).toEqual({ authorization: 'Bearer secret' });
    const bare = new SessionContextHost({ images: new MemoryImageStore(), models: shared, logger }).createContext(info, hooks);
    expect(bare.credentials).toBeUndefined();
    expect(bare.network).toBeUndefined();
  });
});
