import { TestBed } from '@angular/core/testing';
import { imageNames, WorkflowRunStore } from './workflow-run.store';

/** Which invocation an event is about, as the queue sends it (services/queue/queue-events.ts). */
export const ref = (batchId: string, nodeId: string) => ({
  queueId: 'default',
  itemId: '1',
  batchId,
  sessionId: 'session-1',
  nodeId,
  instanceId: nodeId,
  type: 'core.add',
  version: '1.0.0',
  iteration: {},
});

describe('WorkflowRunStore', () => {
  let store: WorkflowRunStore;
  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [WorkflowRunStore] });
    store = TestBed.inject(WorkflowRunStore);
  });

  it('follows a run node by node, and replays events that came before enqueue answered', () => {
    store.handle({ name: 'invocation_started', payload: ref('b1', 'a') });
    store.start('b1', ['a', 'b']);
    expect(store.runs()['a']?.status).toBe('running');
    expect(store.running()).toBeTrue();
    store.handle({ name: 'invocation_progress', payload: { ...ref('b1', 'a'), step: 2, total: 4, preview: { width: 8, height: 8, dataUrl: 'data:x' } } });
    expect(store.runs()['a']).toEqual(jasmine.objectContaining({ step: 2, total: 4, preview: 'data:x' }));
    store.handle({ name: 'invocation_complete', payload: { ...ref('b1', 'a'), outputs: { image: { imageName: 'one.png' } }, durationMs: 1 } });
    store.handle({ name: 'invocation_cached', payload: { ...ref('b1', 'b'), outputs: {} } });
    expect(store.runs()['a']?.status).toBe('done');
    expect(store.runs()['a']?.images).toEqual(['one.png']);
    expect(store.runs()['b']?.status).toBe('cached');
    expect(store.running()).toBeFalse();
  });

  it('marks failures and ignores other batches', () => {
    store.start('b2', ['a']);
    store.handle({ name: 'invocation_error', payload: { ...ref('other', 'a'), error: { code: 'x', kind: 'user', message: 'nope' } } });
    expect(store.runs()['a']?.status).toBe('queued');
    store.handle({ name: 'invocation_error', payload: { ...ref('b2', 'a'), error: { code: 'x', kind: 'user', message: 'boom' } } });
    expect(store.runs()['a']).toEqual(jasmine.objectContaining({ status: 'failed', error: 'boom' }));
  });

  it('keeps every output, and takes the queue item results of the current run', () => {
    store.start('b3', ['a', 'b']);
    store.handle({ name: 'invocation_complete', payload: { ...ref('b3', 'a'), outputs: { value: 3, label: 'x' }, durationMs: 1 } });
    expect(store.runs()['a']?.outputs).toEqual({ value: 3, label: 'x' });
    store.applyResults('other', { outputs: { a: [{ value: 9 }] } });
    expect(store.runs()['a']?.outputs).toEqual({ value: 3, label: 'x' });
    store.applyResults('b3', { outputs: { a: [{ value: 3, label: 'x' }], b: [{ image: { imageName: 'b.png' } }], gone: [{ value: 1 }] } });
    expect(store.runs()['a']?.outputs).toEqual([{ value: 3, label: 'x' }]);
    expect(store.runs()['b']).toEqual(jasmine.objectContaining({ status: 'done', images: ['b.png'] }));
    expect(store.runs()['gone']).toBeUndefined();
  });

  it('finds image names anywhere in outputs', () => {
    expect(imageNames({ images: [{ imageName: 'a' }, { imageName: 'b' }], width: 3 })).toEqual(['a', 'b']);
  });
});
