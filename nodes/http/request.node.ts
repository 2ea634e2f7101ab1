import { defineNode, field, NodeError, output, type ImageRef, type NodeContext, type ResolvedCredential } from '@pinksea/node-sdk';
import { guardedRequest, HTTP_METHODS } from './guarded-request';
import { saveImageBytes, sniffImageFormat } from './image-bytes';
import { BODY_TYPES, encodeBody, readHeaders, USER_AGENT, withQuery } from './request-parts';

const RESPONSE_TYPES = ['auto', 'json', 'text', 'image'] as const;
/** What the image output gives when the answer is no image: null (see nodes/trigger NO_IMAGE for why not undefined). */
const NO_IMAGE = null as unknown as ImageRef;

export default defineNode({
  type: 'http.request',
  title: 'HTTP Request',
  description:
    'Calls a web API and passes on its answer: status, headers, and the body as JSON, text or an image. Use a stored credential for the API key, so it never appears in the workflow. Addresses inside the private network are refused.',
  category: 'http',
  tags: ['http', 'https', 'api', 'request', 'fetch', 'rest', 'webhook', 'url', 'json', 'web'],
  version: '1.0.0',
  useCache: false,
  needs: { network: true },
  inputs: {
    method: field.enum(HTTP_METHODS, { title: 'Method', default: 'GET', ui: { order: 0 } }),
    url: field.string({ title: 'URL', description: 'An http or https address, e.g. https://api.example.com/v1/items', default: '', maxLength: 8192, ui: { order: 1, placeholder: 'https://api.example.com/v1/items' } }),
    headers: field.any({ title: 'Headers', description: 'Extra request headers, e.g. {"Accept": "application/json"}', optional: true, ui: { order: 2 } }),
    query: field.any({ title: 'Query', description: 'Query parameters added to the URL, e.g. {"page": 2}', optional: true, ui: { order: 3 } }),
    body: field.any({ title: 'Body', description: 'What to send: JSON-encoded unless it is text; form fields for the form body type', optional: true, ui: { order: 4 } }),
    bodyType: field.enum(BODY_TYPES, { title: 'Body type', description: 'How the body is sent: JSON, plain text, or form fields (URL-encoded)', default: 'json', ui: { order: 5 } }),
    credential: field.string({ title: 'Credential', description: 'The id of one of your stored credentials; its secret is added to the request', optional: true, maxLength: 100, ui: { order: 6 } }),
    responseType: field.enum(RESPONSE_TYPES, { title: 'Response type', description: 'How to read the answer; auto goes by its Content-Type', default: 'auto', ui: { order: 7 } }),
    timeoutSeconds: field.integer({ title: 'Timeout (s)', description: 'How long the whole exchange may take, redirects and body included', default: 30, minimum: 1, maximum: 120, ui: { order: 8 } }),
    maxResponseKb: field.integer({ title: 'Max response (KB)', description: 'The largest answer to read; a larger one stops the run', default: 5120, minimum: 1, maximum: 51_200, ui: { order: 9 } }),
    failOnHttpError: field.boolean({ title: 'Fail on HTTP error', description: 'Stop the run when the answer is a 4xx or 5xx status; off: pass it on', default: true, ui: { order: 10 } }),
  },
  outputs: {
    status: output.integer({ title: 'Status', description: 'The HTTP status code, e.g. 200' }),
    ok: output.boolean({ title: 'OK', description: 'Whether the status is 2xx' }),
    headers: output.any({ title: 'Headers', description: 'The response headers, by lower-case name' }),
    json: output.any({ title: 'JSON', description: 'The body parsed as JSON; null when it is not JSON' }),
    text: output.string({ title: 'Text', description: 'The body as text; empty for an image' }),
    image: output.image({ title: 'Image', description: 'The body as an image, when it is one; null otherwise' }),
  },
  async invoke(inputs, ctx) {
    const body = encodeBody(inputs.body, inputs.bodyType, 'body');
    if (body && (inputs.method === 'GET' || inputs.method === 'HEAD')) throw new NodeError('body_not_allowed', `A ${inputs.method} request has no body: choose POST, PUT or PATCH, or leave Body empty`, { field: 'body' });
    const headers = { 'user-agent': USER_AGENT, accept: '*/*', 'accept-encoding': 'gzip, deflate, br', ...(body ? { 'content-type': body.contentType } : {}), ...readHeaders(inputs.headers, 'headers') };
    const url = withQuery(inputs.url, inputs.query, 'query');
    // Last, once the inputs are known good: using a credential marks it used.
    const credential = inputs.credential ? await credentialOf(ctx, inputs.credential) : undefined;
    const answer = await guardedRequest({
      url,
      method: inputs.method,
      headers,
      ...(body ? { body: body.bytes } : {}),
      ...(credential ? { credential } : {}),
      ...(ctx.network ? { network: ctx.network } : {}),
      signal: ctx.signal,
      timeoutSeconds: inputs.timeoutSeconds,
      maxBytes: inputs.maxResponseKb * 1024,
      fields: { url: 'url', timeout: 'timeoutSeconds', maxBytes: 'maxResponseKb' },
    });
    const ok = answer.status >= 200 && answer.status < 300;
    if (!ok && answer.status >= 400 && inputs.failOnHttpError) {
      // The body is left out: an error page may echo the request, credential included.
      const transient = answer.status >= 500 || answer.status === 429;
      throw new NodeError('http_error', `${answer.url.host} answered ${answer.status} ${answer.statusText}`.trim() + '; turn off "Fail on HTTP error" to handle it in the graph', {
        field: 'url',
        kind: transient ? 'transient' : 'user',
      });
    }
    const contentType = single(answer.headers['content-type']);
    const read = await readAnswer(ctx, answer.body, inputs.responseType, contentType);
    return { status: answer.status, ok, headers: { ...answer.headers }, ...read };
  },
});

async function credentialOf(ctx: NodeContext, id: string): Promise<ResolvedCredential> {
  if (!ctx.credentials) throw new NodeError('credentials_unavailable', 'Stored credentials are not available where this run happens: leave Credential empty', { field: 'credential' });
  return ctx.credentials.use(id, 'credential');
}

async function readAnswer(ctx: NodeContext, bytes: Buffer, responseType: (typeof RESPONSE_TYPES)[number], contentType: string | undefined) {
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const asImage = responseType === 'image' || (responseType === 'auto' && media.startsWith('image/') && sniffImageFormat(bytes) !== undefined);
  if (asImage) {
    const saved = await saveImageBytes(ctx, bytes, 'responseType', contentType);
    return { json: null, text: '', image: saved.image };
  }
  const text = decodeText(bytes, contentType);
  const isJson = media === 'application/json' || media.endsWith('+json');
  if (responseType === 'json' || (responseType === 'auto' && isJson && text.trim() !== '')) {
    try {
      return { json: JSON.parse(text) as unknown, text, image: NO_IMAGE };
    } catch (error) {
      if (responseType === 'auto') return { json: null, text, image: NO_IMAGE };
      throw new NodeError('invalid_json_response', `The answer is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, { field: 'responseType' });
    }
  }
  return { json: null, text, image: NO_IMAGE };
}

/** Text in the charset the Content-Type names, UTF-8 when it names none or one this runtime lacks. */
function decodeText(bytes: Buffer, contentType: string | undefined): string {
  const charset = /;\s*charset="?([^";]+)"?/i.exec(contentType ?? '')?.[1]?.trim();
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
