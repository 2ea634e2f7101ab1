import { defineNode, field, output } from '@pinksea/node-sdk';
import { now, payloadTime, payloadInput, readPayload } from './trigger-payload';

export default defineNode({
  type: 'trigger.manual',
  title: 'Manual Trigger',
  description:
    'Starts the automation when you press Run, by hand or through the API. Input passes on the JSON value given with the run, or the one set here when none is given.',
  category: 'triggers',
  tags: ['trigger', 'manual', 'start', 'run', 'button', 'automation'],
  version: '1.0.0',
  // Each run carries its own input and time: never answer one run with another's.
  useCache: false,
  inputs: {
    input: field.any({
      title: 'Input',
      description: 'A JSON value to use when a run is started without one',
      optional: true,
      ui: { order: 0 },
    }),
    payload: payloadInput(),
  },
  outputs: {
    input: output.any({ title: 'Input', description: 'The value given with the run, else the one set here, else null' }),
    firedAt: output.string({ title: 'Fired at', description: 'When the run was started (ISO 8601, UTC)' }),
  },
  invoke: (inputs) => {
    const payload = readPayload(inputs.payload);
    if (!payload) return { input: inputs.input ?? null, firedAt: now() };
    return { input: payload['input'] ?? inputs.input ?? null, firedAt: payloadTime(payload, 'firedAt') };
  },
});
