import { compactEvents, type SessionEventEnvelope } from './queue-events';

const step = (name: SessionEventEnvelope['name'], itemId: string, instanceId: string, extra: Record<string, unknown> = {}): SessionEventEnvelope =>
  ({ ownerId: 'owner', name, payload: { queueId: 'q', batchId: 'b', itemId, instanceId, nodeId: instanceId, ...extra } }) as unknown as SessionEventEnvelope;
const describeEvent = (event: SessionEventEnvelope) => {
  const payload = event.payload as { itemId: string; instanceId?: string; step?: number };
  return `${event.name}:${payload.itemId}/${payload.instanceId ?? '-'}${payload.step === undefined ? '' : `#${payload.step}`}`;
};

describe('compactEvents', () => {
  it('drops a step\'s start when its end travels in the same batch, keeping the order of the rest', () => {
    const status = { ownerId: 'owner', name: 'queue_item_status_changed', payload: { queueId: 'q', batchId: 'b', itemId: '1', status: 'in_progress' } } as SessionEventEnvelope;
    const events = [status, step('invocation_started', '1', 'a'), step('invocation_complete', '1', 'a'), step('invocation_started', '1', 'b'), step('invocation_started', '2', 'a'), step('invocation_error', '2', 'a')];
    expect(compactEvents(events).map(describeEvent)).toEqual(['queue_item_status_changed:1/-', 'invocation_complete:1/a', 'invocation_started:1/b', 'invocation_error:2/a']);
  });

  it('keeps every progress event, each step of a sampler with its preview', () => {
    const events = [step('invocation_started', '1', 'a'), step('invocation_progress', '1', 'a', { step: 1 }), step('invocation_progress', '1', 'a', { step: 2 }), step('invocation_complete', '1', 'a')];
    expect(compactEvents(events).map(describeEvent)).toEqual(['invocation_progress:1/a#1', 'invocation_progress:1/a#2', 'invocation_complete:1/a']);
  });
});
