import { defineNode, field, NodeError, output } from '@pinksea/node-sdk';
import { guardedRequest } from './guarded-request';
import { saveImageBytes } from './image-bytes';
import { USER_AGENT } from './request-parts';

export default defineNode({
  type: 'http.image_from_url',
  title: 'Image from URL',
  description:
    'Downloads a PNG, JPEG or WebP image from a web address and passes it on, with its size. Addresses inside the private network, other file types and files over the size limit are refused.',
  category: 'http',
  tags: ['http', 'https', 'image', 'url', 'download', 'fetch', 'web', 'load'],
  version: '1.0.0',
  useCache: false,
  needs: { network: true },
  inputs: {
    url: field.string({ title: 'URL', description: 'An http or https address of the image', default: '', maxLength: 8192, ui: { order: 0, placeholder: 'https://example.com/picture.png' } }),
    timeoutSeconds: field.integer({ title: 'Timeout (s)', description: 'How long the download may take, redirects included', default: 30, minimum: 1, maximum: 120, ui: { order: 1 } }),
    maxResponseKb: field.integer({ title: 'Max size (KB)', description: 'The largest file to download; a larger one stops the run', default: 20_480, minimum: 1, maximum: 51_200, ui: { order: 2 } }),
  },
  outputs: {
    image: output.image({ title: 'Image', description: 'The downloaded image' }),
    width: output.integer({ title: 'Width', description: 'Width of the image, in pixels' }),
    height: output.integer({ title: 'Height', description: 'Height of the image, in pixels' }),
  },
  async invoke(inputs, ctx) {
    const answer = await guardedRequest({
      url: inputs.url,
      method: 'GET',
      headers: { 'user-agent': USER_AGENT, accept: 'image/png, image/jpeg, image/webp', 'accept-encoding': 'gzip, deflate, br' },
      ...(ctx.network ? { network: ctx.network } : {}),
      signal: ctx.signal,
      timeoutSeconds: inputs.timeoutSeconds,
      maxBytes: inputs.maxResponseKb * 1024,
      fields: { url: 'url', timeout: 'timeoutSeconds', maxBytes: 'maxResponseKb' },
    });
    if (answer.status < 200 || answer.status >= 300) {
      const transient = answer.status >= 500 || answer.status === 429;
      throw new NodeError('http_error', `${answer.url.host} answered ${answer.status} ${answer.statusText}`.trim() + ' instead of the image', { field: 'url', kind: transient ? 'transient' : 'user' });
    }
    const contentType = answer.headers['content-type'];
    return saveImageBytes(ctx, answer.body, 'url', Array.isArray(contentType) ? contentType[0] : contentType);
  },
});
