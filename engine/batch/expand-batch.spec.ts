import { BatchValidationError } from '../errors';
import { createTestRegistry, graph, node } from '../../nodes/sdk/testing';
import { prepareGraph } from '../graph/validate-graph';
import { applyFieldValues, checkBatch, expandBatch, type Batch } from './expand-batch';

describe('batches', () => {
  const { registry } = createTestRegistry();
  const g = graph([node('a', 'test.add'), node('t', 'test.text'), node('r', 'test.range')]);
  const prepared = prepareGraph(g, registry);
  const values = (batch: Batch) => [...expandBatch(batch)].map((session) => session.map((value) => `${value.nodeId}.${value.field}=${String(value.value)}`).join(' '));

  it('zips lists within a group and combines groups as a product, times runs', () => {
    const batch: Batch = {
      graph: g,
      runs: 2,
      data: [
        [
          { nodeId: 'a', field: 'a', items: [1, 2] },
          { nodeId: 'a', field: 'b', items: [10, 20] },
        ],
        [{ nodeId: 't', field: 'text', items: ['x', 'y', 'z'] }],
      ],
    };
    expect(checkBatch(batch, prepared)).toBe(12);
    const sessions = values(batch);
    expect(sessions.length).toBe(12);
    expect(sessions.slice(0, 4)).toEqual([
      'a.a=1 a.b=10 t.text=x',
      'a.a=1 a.b=10 t.text=y',
      'a.a=1 a.b=10 t.text=z',
      'a.a=2 a.b=20 t.text=x',
    ]);
    expect(sessions.slice(6)).toEqual(sessions.slice(0, 6));
  });

  it('expands a batch without data to `runs` sessions of the graph as it is', () => {
    expect(checkBatch({ graph: g, runs: 3 }, prepared)).toBe(3);
    expect(values({ graph: g, runs: 3 })).toEqual(['', '', '']);
  });

  it('applies a session\'s values to a copy of the graph', () => {
    const [first] = expandBatch({ graph: g, data: [[{ nodeId: 'a', field: 'a', items: [5] }]] });
    const applied = applyFieldValues(g, first!);
    expect(applied.nodes[0]!.inputs).toEqual({ a: 5 });
    expect(g.nodes[0]!.inputs).toEqual({});
  });

  it('reports unknown nodes and fields, unequal zipped lists and values that do not fit, all at once', () => {
    const batch: Batch = {
      graph: g,
      data: [
        [
          { nodeId: 'ghost', field: 'a', items: [1] },
          { nodeId: 'a', field: 'nope', items: [1, 2] },
        ],
        [{ nodeId: 'r', field: 'count', items: [1, -5] }],
      ],
    };
    try {
      checkBatch(batch, prepared);
      fail('expected a batch error');
    } catch (error) {
      expect(error).toBeInstanceOf(BatchValidationError);
      expect((error as BatchValidationError).issues.map((issue) => issue.code)).toEqual([
        'unknown_node',
        'unknown_field',
        'batch_zip_mismatch',
        'invalid_value',
      ]);
      expect((error as BatchValidationError).issues[3]!.message).toBe('item 1 of "r.count": expected at least 0, got -5');
    }
  });

  it('refuses a batch that expands past the limit before expanding it', () => {
    const items = Array.from({ length: 200 }, (_, index) => index);
    const batch: Batch = { graph: g, runs: 2, data: [[{ nodeId: 'a', field: 'a', items }], [{ nodeId: 'a', field: 'b', items }]] };
    expect(() => checkBatch(batch, prepared, 50_000)).toThrowMatching(
      (error) => error instanceof BatchValidationError && error.issues[0]!.code === 'batch_too_large' && error.message.includes('80000'),
    );
  });

  it('refuses bad runs and values for connected fields', () => {
    const connected = graph([node('x', 'test.number'), node('a', 'test.add')], [{ source: { nodeId: 'x', field: 'value' }, destination: { nodeId: 'a', field: 'a' } }]);
    const issues = (() => {
      try {
        checkBatch({ graph: connected, runs: 0, data: [[{ nodeId: 'a', field: 'a', items: [1] }]] }, prepareGraph(connected, registry));
        return [];
      } catch (error) {
        return (error as BatchValidationError).issues.map((issue) => issue.code);
      }
    })();
    expect(issues).toEqual(['invalid_value', 'field_connected']);
  });
});
