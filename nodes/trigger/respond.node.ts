import { defineNode, field, NodeError, output } from '@pinksea/node-sdk';
import { checkResponseBody } from './response-body';

export default defineNode({
  type: 'trigger.respond',
  title: 'Respond to Webhook',
  description:
    'Sets what a webhook that waits for the run answers with: an HTTP status, a JSON body, and optionally an image. Put one at the end of an automation whose Webhook Trigger is set to "Wait for the run".',
  category: 'triggers',
  tags: ['respond', 'response', 'webhook', 'http', 'reply', 'answer', 'status', 'automation'],
  version: '1.0.0',
  // The answer belongs to this run's request; another run's must never stand in for it.
  useCache: false,
  inputs: {
    status: field.integer({
      title: 'Status',
      description: 'The HTTP status code, e.g. 200 OK, 201 Created or 422 when the request cannot be served',
      default: 200,
      minimum: 100,
      maximum: 599,
      ui: { order: 0 },
    }),
    body: field.any({ title: 'Body', description: 'A JSON value to answer with; null when not set', optional: true, ui: { order: 1 } }),
    image: field.image({ title: 'Image', description: 'An image to answer with', optional: true, ui: { order: 2 } }),
  },
  outputs: {
    response: output.any({ title: 'Response', description: 'The answer: {status, body, image}' }),
  },
  invoke: ({ status, body, image }) => {
    // Bounds are checked for typed values; a connected integer arrives unchecked.
    if (!Number.isSafeInteger(status) || status < 100 || status > 599) {
      throw new NodeError('invalid_status', `Status must be an HTTP status code from 100 to 599, got ${status}`, { field: 'status' });
    }
    const checked = body === undefined || body === null ? null : checkResponseBody(body, 'body');
    return { response: { status, body: checked, image: image ? { imageName: image.imageName } : null } };
  },
});
