import { defineNode, field, output } from '@pinksea/node-sdk';
import { NO_IMAGE, now, payloadImage, payloadInput, payloadObject, payloadText, payloadTime, readPayload } from './trigger-payload';

// The platform reads these settings from the published graph before any run (to answer, check and
// limit requests), so they are typed in (`direct`): a connected value would come too late.
export default defineNode({
  type: 'trigger.webhook',
  title: 'Webhook Trigger',
  description:
    'Starts the automation when a request is posted to its URL. Body, query and headers pass on what was sent; Image passes on an image posted as the body or as a multipart file, or null when none was.',
  category: 'triggers',
  tags: ['trigger', 'webhook', 'http', 'api', 'request', 'post', 'automation'],
  version: '1.0.0',
  useCache: false,
  inputs: {
    mode: field.enum(['async', 'sync'], {
      title: 'Answer',
      description: 'Answer at once, or wait for the run and answer with what its Respond node gives',
      input: 'direct',
      default: 'async',
      ui: { order: 0, choiceLabels: { async: 'Answer at once (202)', sync: 'Wait for the run' } },
    }),
    auth: field.enum(['none', 'hmac', 'api_key'], {
      title: 'Authentication',
      description: 'How callers prove who they are',
      input: 'direct',
      default: 'none',
      ui: { order: 1, choiceLabels: { none: 'None: anyone with the URL', hmac: 'Signed with the secret (HMAC)', api_key: 'Pinksea API key' } },
    }),
    requiredFields: field.string({
      title: 'Required fields',
      description: 'Top-level body fields a request must carry, separated by commas; others are refused with 400',
      input: 'direct',
      default: '',
      maxLength: 2000,
      ui: { order: 2, placeholder: 'e.g. prompt, seed' },
    }),
    timeoutSeconds: field.integer({
      title: 'Timeout (seconds)',
      description: 'How long a caller waiting for the run is kept waiting at most',
      input: 'direct',
      default: 30,
      minimum: 1,
      maximum: 300,
      ui: { order: 3 },
    }),
    rateLimitPerMinute: field.integer({
      title: 'Requests per minute',
      description: 'Requests beyond this are refused with 429',
      input: 'direct',
      default: 600,
      minimum: 1,
      maximum: 1_000_000,
      ui: { order: 4 },
    }),
    maxBodyKb: field.integer({
      title: 'Largest body (KB)',
      description: 'Requests with a larger body are refused with 413',
      input: 'direct',
      default: 1024,
      minimum: 1,
      maximum: 20_480,
      ui: { order: 5 },
    }),
    payload: payloadInput(),
  },
  outputs: {
    body: output.any({ title: 'Body', description: 'The request body: parsed JSON or form fields, or text' }),
    query: output.any({ title: 'Query', description: 'The URL query parameters, by name' }),
    headers: output.any({ title: 'Headers', description: 'The request headers, by lower-case name' }),
    image: output.image({ title: 'Image', description: 'The image posted with the request; null when it carried none' }),
    receivedAt: output.string({ title: 'Received at', description: 'When the request arrived (ISO 8601, UTC)' }),
    deliveryId: output.string({ title: 'Delivery id', description: 'This request\'s id, for logs and deduplication; "test" for a run from the editor' }),
  },
  // No image in the request: `image` is null and this node still succeeds (see NO_IMAGE for why).
  invoke: (inputs) => {
    const payload = readPayload(inputs.payload);
    if (!payload) return { body: {}, query: {}, headers: {}, image: NO_IMAGE, receivedAt: now(), deliveryId: 'test' };
    return {
      body: payload['body'] ?? null,
      query: payloadObject(payload, 'query'),
      headers: payloadObject(payload, 'headers'),
      image: payloadImage(payload, 'image'),
      receivedAt: payloadTime(payload, 'receivedAt'),
      deliveryId: payloadText(payload, 'deliveryId'),
    };
  },
});
