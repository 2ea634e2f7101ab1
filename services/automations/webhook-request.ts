/**
 * What a webhook request carries, read and checked before anything runs: its body as JSON, a form
 * or an image (posted as the body or as a multipart file), its query and headers, and its
 * signature. Every refusal names what was wrong: 413 past the trigger's size, 415 for a body type
 * it cannot read, 400 for a body that is not what its content type says or lacks a declared
 * field, 401 for a bad or stale signature.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import Busboy from 'busboy';
import { PinkseaError, type Issue } from '../../engine/errors';
import { findUnboundedInput } from '../kernel/input-bounds';
import { BadRequestError, InvalidInputError, PayloadTooLargeError, UnauthorizedError } from '../kernel/service-errors';

export { BadRequestError } from '../kernel/service-errors';
import { sniffImageType } from '../images/image-type';

/** The signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, as Stripe signs. */
export const SIGNATURE_HEADER = 'x-pinksea-signature';
const SIGNATURE_NAME = 'X-Pinksea-Signature';
/** A caller's id for one delivery: a second request with it runs nothing and answers with the first run. */
export const DELIVERY_HEADERS = ['idempotency-key', 'x-delivery-id'] as const;
/** How far a signature's time may be from now (replays outside it are refused). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;
/** Headers a run sees: never credentials. */
const HIDDEN_HEADERS = new Set(['authorization', 'cookie', SIGNATURE_HEADER, 'proxy-authorization']);
const MAX_DELIVERY_ID = 200;
const MAX_FORM_FIELDS = 1000;

export interface WebhookBody {
  readonly body: unknown;
  readonly image?: Uint8Array;
}


export class UnsupportedMediaTypeError extends PinkseaError {
  override readonly name = 'UnsupportedMediaTypeError';
  constructor(message: string) {
    super('unsupported_media_type', message);
  }
}

/** Reads the body by its content type. `raw` is the whole body, already bounded by the trigger's size. */
export async function parseWebhookBody(raw: Buffer, contentType: string | undefined): Promise<WebhookBody> {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (raw.length === 0) return { body: {} };
  if (type === 'application/json' || type.endsWith('+json') || (type === '' && looksLikeJson(raw))) return { body: parseJson(raw) };
  if (type === 'application/x-www-form-urlencoded') return { body: formObject(new URLSearchParams(raw.toString('utf8'))) };
  if (type === 'multipart/form-data') return parseMultipart(raw, contentType!);
  if (type.startsWith('image/') || type === 'application/octet-stream' || type === '') {
    if (!sniffImageType(raw)) throw new UnsupportedMediaTypeError(`The body is not a PNG, JPEG or WebP image (Content-Type ${type || 'not given'}); send JSON, a form, or an image`);
    return { body: {}, image: raw };
  }
  if (type === 'text/plain') return { body: { text: raw.toString('utf8') } };
  throw new UnsupportedMediaTypeError(`A webhook reads JSON, forms (urlencoded or multipart), plain text or an image, not ${type}`);
}

const looksLikeJson = (raw: Buffer) => raw[0] === 0x7b || raw[0] === 0x5b;

function parseJson(raw: Buffer): unknown {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new BadRequestError([{ code: 'invalid_json', field: 'body', message: `The body is not valid JSON: ${(error as Error).message}` }]);
  }
  const unbounded = findUnboundedInput(body);
  if (unbounded) throw new BadRequestError([{ ...unbounded, field: unbounded.field ? `body.${unbounded.field}` : 'body' }]);
  return body;
}

/** A form's fields as an object; a name given several times becomes a list. */
function formObject(entries: Iterable<[string, string]>): Record<string, string | string[]> {
  const body: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  let count = 0;
  for (const [name, value] of entries) {
    if (++count > MAX_FORM_FIELDS) throw new BadRequestError([{ code: 'too_many_fields', field: 'body', message: `A form may have ${MAX_FORM_FIELDS} fields at most` }]);
    if (name.includes('\0') || value.includes('\0')) throw new BadRequestError([{ code: 'nul_byte', field: `body.${name.replaceAll('\0', '')}`, message: 'Form fields may not contain NUL bytes' }]);
    const earlier = body[name];
    body[name] = earlier === undefined ? value : Array.isArray(earlier) ? [...earlier, value] : [earlier, value];
  }
  return { ...body };
}

async function parseMultipart(raw: Buffer, contentType: string): Promise<WebhookBody> {
  const fields: [string, string][] = [];
  let image: Uint8Array | undefined;
  let files = 0;
  await new Promise<void>((resolve, reject) => {
    let parser: Busboy.Busboy;
    try {
      parser = Busboy({ headers: { 'content-type': contentType }, limits: { files: 4, fields: MAX_FORM_FIELDS, fieldSize: raw.length } });
    } catch (error) {
      return reject(new BadRequestError([{ code: 'invalid_multipart', field: 'body', message: `The multipart body cannot be read: ${(error as Error).message}` }]));
    }
    parser.on('field', (name, value) => fields.push([name, value]));
    parser.on('file', (name, stream) => {
      files++;
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const data = Buffer.concat(chunks);
        if (image || data.length === 0) return;
        if (!sniffImageType(data)) return reject(new UnsupportedMediaTypeError(`The file "${name}" is not a PNG, JPEG or WebP image`));
        image = data;
      });
    });
    parser.on('error', (error: Error) => reject(new BadRequestError([{ code: 'invalid_multipart', field: 'body', message: `The multipart body cannot be read: ${error.message}` }])));
    parser.on('close', () => resolve());
    Readable.from([raw]).pipe(parser);
  });
  if (files > 1 && !image) throw new UnsupportedMediaTypeError('None of the posted files is a PNG, JPEG or WebP image');
  return { body: formObject(fields), ...(image ? { image } : {}) };
}

/** Each declared field the body lacks, as an issue naming it. */
export function missingFields(body: unknown, required: readonly string[]): Issue[] {
  if (required.length === 0) return [];
  const object = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  return required
    .filter((field) => !object || !Object.hasOwn(object, field) || object[field] === null || object[field] === '')
    .map((field) => ({ code: 'required', field: `body.${field}`, message: `The webhook requires "${field}" in the body` }));
}

/** Checks a request's HMAC signature; returns the signature (a replay within the tolerance carries the same one). */
export function verifySignature(secret: string, header: string | undefined, raw: Buffer, now = Date.now()): string {
  if (!header) throw new UnauthorizedError(`This webhook needs a signature: send ${SIGNATURE_NAME}: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`);
  const parts = new Map(header.split(',').map((part) => part.trim().split('=', 2) as [string, string]));
  const timestamp = Number(parts.get('t'));
  const given = parts.get('v1') ?? '';
  if (!Number.isInteger(timestamp) || !/^[0-9a-f]{64}$/i.test(given)) {
    throw new UnauthorizedError(`${SIGNATURE_NAME} must be "t=<unix seconds>,v1=<64 hex digits>"`);
  }
  if (Math.abs(now / 1000 - timestamp) > SIGNATURE_TOLERANCE_SECONDS) {
    throw new UnauthorizedError(`The signature's time is more than ${SIGNATURE_TOLERANCE_SECONDS} s from now: sign each request when you send it`);
  }
  const expected = signWebhook(secret, timestamp, raw).split('v1=')[1]!;
  if (!timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(given, 'hex'))) throw new UnauthorizedError('The signature does not match the body: sign "<t>.<body>" with the webhook secret');
  return given.toLowerCase();
}

/** The signature header value for a body, as a caller computes it. */
export function signWebhook(secret: string, timestamp: number, raw: Buffer | string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(raw).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** The caller's delivery id, if it sent one. */
export function deliveryIdOf(headers: IncomingHttpHeaders): string | undefined {
  for (const name of DELIVERY_HEADERS) {
    const value = headers[name];
    if (typeof value !== 'string' || value === '') continue;
    if (value.length > MAX_DELIVERY_ID || value.includes('\0')) {
      throw new InvalidInputError([{ code: 'invalid_delivery_id', field: name, message: `A delivery id is 1 to ${MAX_DELIVERY_ID} characters` }]);
    }
    return value;
  }
  return undefined;
}

/** The headers a run sees (lower-case names, credentials left out). */
export function visibleHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const visible: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (HIDDEN_HEADERS.has(name) || value === undefined) continue;
    visible[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return visible;
}

export function bodyTooLarge(maxBodyKb: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`This webhook accepts bodies up to ${maxBodyKb} KB (its trigger's "maxBodyKb")`);
}
