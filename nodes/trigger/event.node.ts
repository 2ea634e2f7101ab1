import { defineNode, field, output } from '@pinksea/node-sdk';
import { NO_IMAGE, now, payloadImage, payloadInput, payloadObject, payloadText, payloadTime, readPayload } from './trigger-payload';

// The platform reads the event and its filters from the published graph to decide which events
// start a run, so they are typed in (`direct`): a connected value would come too late.
export default defineNode({
  type: 'trigger.event',
  title: 'Event Trigger',
  description:
    'Starts the automation when something happens in Pinksea: an image is saved (on any board, or the one you choose), or another automation succeeds or fails. Subject passes on what the event is about.',
  category: 'triggers',
  tags: ['trigger', 'event', 'image saved', 'board', 'automation', 'chain', 'on failure'],
  version: '1.0.0',
  useCache: false,
  inputs: {
    event: field.enum(['image.saved', 'automation.succeeded', 'automation.failed'], {
      title: 'Event',
      input: 'direct',
      default: 'image.saved',
      ui: {
        order: 0,
        choiceLabels: {
          'image.saved': 'An image is saved',
          'automation.succeeded': 'An automation run succeeds',
          'automation.failed': 'An automation run fails',
        },
      },
    }),
    boardId: field.string({
      title: 'Board',
      description: 'For "An image is saved": only images saved to this board; leave empty for any board',
      input: 'direct',
      optional: true,
      maxLength: 200,
      ui: { order: 1, placeholder: 'Any board' },
    }),
    automationId: field.string({
      title: 'Automation',
      description: 'For automation runs: only runs of this automation; leave empty for any automation',
      input: 'direct',
      optional: true,
      maxLength: 200,
      ui: { order: 2, placeholder: 'Any automation' },
    }),
    payload: payloadInput(),
  },
  outputs: {
    event: output.string({ title: 'Event', description: 'Which event started the run, e.g. image.saved' }),
    subject: output.any({ title: 'Subject', description: 'What the event is about: the saved image\'s details, or the automation run\'s' }),
    image: output.image({ title: 'Image', description: 'The saved image; null for events about automation runs' }),
    firedAt: output.string({ title: 'Fired at', description: 'When the event happened (ISO 8601, UTC)' }),
  },
  // No image with the event: `image` is null and this node still succeeds (see NO_IMAGE for why).
  invoke: (inputs) => {
    const payload = readPayload(inputs.payload);
    if (!payload) return { event: inputs.event, subject: {}, image: NO_IMAGE, firedAt: now() };
    return {
      event: payloadText(payload, 'event'),
      subject: payloadObject(payload, 'subject'),
      image: payloadImage(payload, 'image'),
      firedAt: payloadTime(payload, 'firedAt'),
    };
  },
});
