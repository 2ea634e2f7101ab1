import { createTestRegistry, edge, graph, MemoryContextHost, node } from '../../nodes/sdk/testing';
import type { EngineEvent } from './engine-events';
import { runGraph } from './run-graph';

describe('runGraph', () => {
  let registry: ReturnType<typeof createTestRegistry>['registry'];
  let calls: Map<string, number>;
  let host: MemoryContextHost;

  beforeEach(() => {
    ({ registry, calls } = createTestRegistry());
    host = new MemoryContextHost();
  });

  it('runs nodes in dependency order and passes values along edges', async () => {
    const g = graph(
      [node('sum', 'test.add'), node('two', 'test.number', { value: 2 }), node('three', 'test.number', { value: 3 })],
      [edge('two.value', 'sum.a'), edge('three.value', 'sum.b')],
    );
    const result = await runGraph(g, { registry, host });
    expect(result.status).toBe('completed');
    expect(result.outputsOf('sum')).toEqual([{ value: 5 }]);
  });

  it('casts numbers into string inputs', async () => {
    const g = graph([node('n', 'test.number', { value: 7 }), node('t', 'test.text', { suffix: '!' })], [edge('n.value', 't.text')]);
    const result = await runGraph(g, { registry, host });
    expect(result.outputsOf('t')).toEqual([{ text: '7!' }]);
  });

  it('wraps a single value for an input that accepts either a value or a list', async () => {
    const g = graph([node('n', 'test.number', { value: 4 }), node('s', 'test.sum')], [edge('n.value', 's.values')]);
    expect((await runGraph(g, { registry, host })).outputsOf('s')).toEqual([{ value: 4 }]);
  });

  it('runs the nodes after an Iterate once per item and gathers them in order with Collect', async () => {
    const g = graph(
      [node('r', 'test.range', { count: 4 }), node('it', 'test.iterate'), node('plus', 'test.add', { b: 10 }), node('c', 'test.collect'), node('s', 'test.sum')],
      [edge('r.values', 'it.collection'), edge('it.item', 'plus.a'), edge('plus.value', 'c.item'), edge('c.collection', 's.values')],
    );
    const result = await runGraph(g, { registry, host });
    expect(result.status).toBe('completed');
    expect(result.outputsOf('plus').map((outputs) => outputs['value'])).toEqual([10, 11, 12, 13]);
    expect(result.outputsOf('c')).toEqual([{ collection: [10, 11, 12, 13] }]);
    expect(result.outputsOf('s')).toEqual([{ value: 46 }]);
  });

  it('exposes the index and total of an Iterate to the nodes inside it', async () => {
    const g = graph(
      [node('it', 'test.iterate', { collection: ['a', 'b', 'c'] }), node('mul', 'test.add'), node('c', 'test.collect')],
      [edge('it.index', 'mul.a'), edge('it.total', 'mul.b'), edge('mul.value', 'c.item')],
    );
    expect((await runGraph(g, { registry, host })).outputsOf('c')).toEqual([{ collection: [3, 4, 5] }]);
  });

  it('nests iterations: an inner Collect gathers per outer item, an outer Collect gathers those', async () => {
    const g = graph(
      [
        node('outer', 'test.iterate', { collection: [1, 2, 3] }),
        node('r', 'test.range'),
        node('inner', 'test.iterate'),
        node('add', 'test.add'),
        node('c1', 'test.collect'),
        node('sum', 'test.sum'),
        node('c2', 'test.collect'),
      ],
      [
        edge('outer.item', 'r.count'),
        edge('r.values', 'inner.collection'),
        edge('inner.item', 'add.a'),
        edge('outer.item', 'add.b'),
        edge('add.value', 'c1.item'),
        edge('c1.collection', 'sum.values'),
        edge('sum.value', 'c2.item'),
      ],
    );
    const result = await runGraph(g, { registry, host });
    expect(result.status).toBe('completed');
    // outer 1: [0+1]; outer 2: [0+2, 1+2]; outer 3: [3, 4, 5]
    expect(result.outputsOf('c1').map((outputs) => outputs['collection'])).toEqual([[1], [2, 3], [3, 4, 5]]);
    expect(result.outputsOf('c2')).toEqual([{ collection: [1, 5, 12] }]);
  });

  it('combines two independent iterations as a cartesian product', async () => {
    const g = graph(
      [node('x', 'test.iterate', { collection: [10, 20] }), node('y', 'test.iterate', { collection: [1, 2, 3] }), node('add', 'test.add'), node('c', 'test.collect')],
      [edge('x.item', 'add.a'), edge('y.item', 'add.b'), edge('add.value', 'c.item')],
    );
    const result = await runGraph(g, { registry, host });
    expect(result.outputsOf('c')).toEqual([{ collection: [11, 12, 13, 21, 22, 23] }]);
  });

  it('collects an empty iteration into an empty list', async () => {
    const g = graph(
      [node('it', 'test.iterate', { collection: [] }), node('add', 'test.add'), node('c', 'test.collect'), node('s', 'test.sum')],
      [edge('it.item', 'add.a'), edge('add.value', 'c.item'), edge('c.collection', 's.values')],
    );
    const result = await runGraph(g, { registry, host });
    expect(result.status).toBe('completed');
    expect(result.outputsOf('c')).toEqual([{ collection: [] }]);
    expect(result.outputsOf('s')).toEqual([{ value: 0 }]);
    expect(result.nodeStatus('add')).toBe('skipped');
  });

  it('gathers several plain edges into one Collect in edge order', async () => {
    const g = graph(
      [node('a', 'test.number', { value: 5 }), node('b', 'test.number', { value: 6 }), node('c', 'test.collect')],
      [edge('b.value', 'c.item'), edge('a.value', 'c.item')],
    );
    expect((await runGraph(g, { registry, host })).outputsOf('c')).toEqual([{ collection: [6, 5] }]);
  });

  describe('lazy if', () => {
    const branches = (condition: boolean) =>
      graph(
        [
          node('cond', 'test.if', { condition }),
          node('yes', 'test.text', { text: 'yes' }),
          node('no', 'test.fail'),
          node('out', 'test.text', { suffix: '.' }),
        ],
        [edge('yes.text', 'cond.whenTrue'), edge('no.value', 'cond.whenFalse'), edge('cond.value', 'out.text')],
      );

    it('runs only the branch taken and skips the other', async () => {
      const result = await runGraph(branches(true), { registry, host });
      expect(result.status).toBe('completed');
      expect(result.outputsOf('out')).toEqual([{ text: 'yes.' }]);
      expect(result.nodeStatus('no')).toBe('skipped');
      expect(calls.get('test.fail')).toBeUndefined();
    });

    it('runs the other branch when the condition flips', async () => {
      const result = await runGraph(branches(false), { registry, host });
      expect(result.status).toBe('failed');
      expect(result.error?.code).toBe('test_failure');
      expect(result.error?.nodeId).toBe('no');
      expect(calls.get('test.text')).toBeUndefined();
    });

    it('decides per item inside an iteration', async () => {
      const g = graph(
        [
          node('it', 'test.iterate', { collection: [true, false, true] }),
          node('cond', 'test.if'),
          node('yes', 'test.text', { text: 'Y' }),
          node('no', 'test.text', { text: 'N' }),
          node('c', 'test.collect'),
        ],
        [edge('it.item', 'cond.condition'), edge('yes.text', 'cond.whenTrue'), edge('no.text', 'cond.whenFalse'), edge('cond.value', 'c.item')],
      );
      const result = await runGraph(g, { registry, host });
      expect(result.outputsOf('c')).toEqual([{ collection: ['Y', 'N', 'Y'] }]);
      expect(calls.get('test.text')).toBe(2);
    });
  });

  it('fails the run with the node and field of the error, and runs nothing after it', async () => {
    const g = graph([node('bad', 'test.fail'), node('after', 'test.add')], [edge('bad.value', 'after.a')]);
    const events: EngineEvent[] = [];
    const result = await runGraph(g, { registry, host, onEvent: (event) => events.push(event) });
    expect(result.status).toBe('failed');
    expect(result.error).toEqual(jasmine.objectContaining({ code: 'test_failure', kind: 'user', nodeId: 'bad', field: 'value' }));
    expect(result.nodeStatus('bad')).toBe('failed');
    expect(result.nodeStatus('after')).toBe('pending');
    expect(calls.get('test.add')).toBeUndefined();
    expect(events.map((event) => event.name)).toEqual(['invocation_started', 'invocation_error']);
  });

  it('checks values that crossed an `any` edge against the input they reach', async () => {
    const g = graph(
      [node('it', 'test.iterate', { collection: [1, 'two'] }), node('add', 'test.add'), node('c', 'test.collect')],
      [edge('it.item', 'add.a'), edge('add.value', 'c.item')],
    );
    const result = await runGraph(g, { registry, host });
    expect(result.status).toBe('failed');
    expect(result.error).toEqual(jasmine.objectContaining({ code: 'type_mismatch', nodeId: 'add', field: 'a' }));
    expect(result.error?.message).toContain('expected a finite number');
  });

  it('emits started, progress and complete events with timing, naming the run within its iteration', async () => {
    const g = graph([node('it', 'test.iterate', { collection: [1, 2] }), node('slow', 'test.slow', { steps: 2, stepMs: 1 })], [edge('it.item', 'slow.value')]);
    const events: EngineEvent[] = [];
    await runGraph(g, { registry, host, sessionId: 's1', onEvent: (event) => events.push(event) });
    const slow = events.filter((event) => event.payload.nodeId === 'slow');
    expect(slow.map((event) => event.name)).toEqual([
      'invocation_started', 'invocation_progress', 'invocation_progress', 'invocation_complete',
      'invocation_started', 'invocation_progress', 'invocation_progress', 'invocation_complete',
    ]);
    const progress = slow[2]!;
    expect(progress.name === 'invocation_progress' && progress.payload.percentage).toBe(1);
    expect(slow[4]!.payload).toEqual(jasmine.objectContaining({ sessionId: 's1', instanceId: 'slow[1]', iteration: { it: 1 } }));
    const complete = slow[3]!;
    expect(complete.name === 'invocation_complete' && complete.payload.durationMs).toBeGreaterThan(0);
  });

  it('stops between nodes when canceled and reports the run canceled', async () => {
    const controller = new AbortController();
    const g = graph(
      [node('a', 'test.slow', { stepMs: 1 }), node('b', 'test.slow', { stepMs: 1 }), node('c', 'test.add')],
      [edge('a.value', 'b.value'), edge('b.value', 'c.a')],
    );
    const result = await runGraph(g, {
      registry,
      host,
      signal: controller.signal,
      onEvent: (event) => event.name === 'invocation_complete' && event.payload.nodeId === 'a' && controller.abort(),
    });
    expect(result.status).toBe('canceled');
    expect(result.nodeStatus('a')).toBe('completed');
    expect(result.nodeStatus('c')).toBe('canceled');
    expect(calls.get('test.add')).toBeUndefined();
  });

  it('lets a long node see the cancellation between its own steps', async () => {
    const controller = new AbortController();
    const g = graph([node('a', 'test.slow', { steps: 50, stepMs: 1 })]);
    let steps = 0;
    const result = await runGraph(g, {
      registry,
      host,
      signal: controller.signal,
      onEvent: (event) => event.name === 'invocation_progress' && ++steps === 3 && controller.abort(),
    });
    expect(result.status).toBe('canceled');
    expect(steps).toBe(3);
  });

  it('runs independent nodes at the same time when concurrency allows', async () => {
    const nodes = ['a', 'b', 'c', 'd', 'e'].map((id) => node(id, 'test.slow', { steps: 1, stepMs: 5 }));
    let running = 0;
    let most = 0;
    const track = (event: EngineEvent) => {
      if (event.name === 'invocation_started') most = Math.max(most, ++running);
      if (event.name === 'invocation_complete') running--;
    };
    const result = await runGraph(graph(nodes), { registry, host, concurrency: 3, onEvent: track });
    expect(result.status).toBe('completed');
    expect(most).toBe(3);
    most = 0;
    await runGraph(graph(nodes), { registry, host, onEvent: track });
    expect(most).toBe(1);
  });
});

describe('runGraph and the host event loop', () => {
  it('lets timers run between nodes during a long run of quick nodes', async () => {
    const { registry } = createTestRegistry();
    const g = graph(
      [node('r', 'test.range', { count: 20_000 }), node('it', 'test.iterate'), node('add', 'test.add'), node('c', 'test.collect')],
      [edge('r.values', 'it.collection'), edge('it.item', 'add.a'), edge('add.value', 'c.item')],
    );
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const result = await runGraph(g, { registry, host: new MemoryContextHost(), yieldAfterMs: 2 });
      expect(result.status).toBe('completed');
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(3);
  });
});
