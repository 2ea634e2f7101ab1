import collect from './collect.node';
import iterate from './iterate.node';
import range, { MAX_RANGE_LENGTH } from './range.node';
import { expectNodeError, invokeNode } from '@pinksea/node-sdk/testing';

describe('core.range', () => {
  const numbers = async (start: number, stop: number, step: number) => (await invokeNode(range, { start, stop, step })).collection;

  it('counts from Start up to, but not including, Stop', async () => {
    expect(await numbers(0, 5, 1)).toEqual([0, 1, 2, 3, 4]);
    expect(await numbers(2, 11, 3)).toEqual([2, 5, 8]);
    expect(await numbers(-2, 1, 1)).toEqual([-2, -1, 0]);
  });

  it('counts down with a negative step', async () => {
    expect(await numbers(5, 0, -2)).toEqual([5, 3, 1]);
  });

  it('is empty when Stop lies behind Start in the direction of Step', async () => {
    expect(await numbers(5, 5, 1)).toEqual([]);
    expect(await numbers(5, 0, 1)).toEqual([]);
    expect(await numbers(0, 5, -1)).toEqual([]);
  });

  it('rejects a step of 0, naming Step', async () => {
    await expectNodeError(() => numbers(0, 10, 0), 'zero_step', 'step');
  });

  it(`makes at most ${MAX_RANGE_LENGTH} numbers and rejects longer ranges, naming Stop`, async () => {
    expect((await numbers(0, MAX_RANGE_LENGTH, 1)).length).toBe(MAX_RANGE_LENGTH);
    await expectNodeError(() => numbers(0, MAX_RANGE_LENGTH + 1, 1), 'range_too_long', 'stop');
    await expectNodeError(() => numbers(0, -Number.MAX_SAFE_INTEGER, -1), 'range_too_long', 'stop');
  });
});

describe('core.iterate and core.collect', () => {
  it('declare the engine roles and the fields the engine expects', () => {
    expect(iterate.role).toBe('iterate');
    expect(iterate.inputs.collection).toEqual(jasmine.objectContaining({ kind: 'any', cardinality: 'collection', input: 'connection' }));
    expect(Object.keys(iterate.outputs).sort()).toEqual(['index', 'item', 'total']);
    expect(iterate.outputs.index.kind).toBe('integer');
    expect(iterate.outputs.total.kind).toBe('integer');

    expect(collect.role).toBe('collect');
    expect(collect.inputs.item).toEqual(jasmine.objectContaining({ kind: 'any', cardinality: 'single', input: 'connection', multiple: true }));
    expect(collect.outputs.collection).toEqual(jasmine.objectContaining({ kind: 'any', cardinality: 'collection' }));
  });

  it('refuse to run outside the engine, with a message that says so', async () => {
    await expectNodeError(() => invokeNode(iterate, { collection: [1, 2] }), 'engine_only');
    await expectNodeError(() => invokeNode(collect, { item: 1 }), 'engine_only');
  });
});
