import { AFFINITY_BACKLOG_PER_SLOT, chooseWorker, workerViews, type WorkerView } from './item-router';

const worker = (nodeId: string, models: string[], extra: Partial<WorkerView> = {}): WorkerView => ({ nodeId, pool: 'basic', models, concurrency: 1, ...extra });

describe('chooseWorker', () => {
  it('sends an item to the worker whose cache holds its model', () => {
    const workers = [worker('w1', ['model-a']), worker('w2', ['model-b'])];
    expect(chooseWorker(['model-b'], 'basic', workers, new Map())).toBe('w2');
    expect(chooseWorker(['model-a'], 'basic', workers, new Map())).toBe('w1');
  });

  it('leaves items without models, or whose models no worker holds, to the pool queue', () => {
    const workers = [worker('w1', ['model-a'])];
    expect(chooseWorker([], 'basic', workers, new Map())).toBeUndefined();
    expect(chooseWorker(['model-c'], 'basic', workers, new Map())).toBeUndefined();
  });

  it('never routes to a worker of another pool', () => {
    const workers = [worker('w1', ['model-a'], { pool: 'performance' })];
    expect(chooseWorker(['model-a'], 'basic', workers, new Map())).toBeUndefined();
  });

  it('prefers the worker holding more of the item\'s models, then the shorter backlog', () => {
    const workers = [worker('w1', ['model-a']), worker('w2', ['model-a', 'model-b']), worker('w3', ['model-a', 'model-b'])];
    const backlog = new Map([['w2', 1]]);
    expect(chooseWorker(['model-a', 'model-b'], 'basic', workers, backlog)).toBe('w3');
    expect(backlog.get('w3')).toBe(1);
    expect(chooseWorker(['model-a'], 'basic', [worker('w1', ['model-a']), worker('w2', ['model-a'])], new Map([['w1', 1]]))).toBe('w2');
  });

  it('stops preferring a holder once its backlog is full, so a long batch spreads over the pool', () => {
    const workers = [worker('w1', ['model-a'], { concurrency: 2 })];
    const backlog = new Map<string, number>();
    const chosen = Array.from({ length: 6 }, () => chooseWorker(['model-a'], 'basic', workers, backlog));
    const routed = 2 * AFFINITY_BACKLOG_PER_SLOT;
    expect(chosen.slice(0, routed)).toEqual(Array<string>(routed).fill('w1'));
    expect(chosen.slice(routed)).toEqual([undefined, undefined]);
  });
});

describe('workerViews', () => {
  it('lists the available nodes that advertise a worker, with defaults for older metadata', () => {
    const views = workerViews([
      { id: 'api-1', available: true, metadata: {} },
      { id: 'w1', available: true, metadata: { worker: { pool: 'performance', models: ['m'], concurrency: 3 } } },
      { id: 'w2', available: false, metadata: { worker: { pool: 'basic' } } },
      { id: 'w3', available: true, metadata: { worker: {} } },
    ] as never);
    expect(views).toEqual([
      { nodeId: 'w1', pool: 'performance', models: ['m'], concurrency: 3 },
      { nodeId: 'w3', pool: 'basic', models: [], concurrency: 1 },
    ]);
  });
});
