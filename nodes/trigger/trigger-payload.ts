/**
 * What started a run reaches its trigger node through the hidden `payload` input, which the
 * platform sets before the run. A graph sent through the API can set it too, so its shape is
 * checked here, and a malformed one is refused naming `payload` and the part at fault. With no
 * payload (Run pressed in the editor) the trigger nodes give sample values instead.
 */
import { field, NodeError, type ImageRef } from '@pinksea/node-sdk';

/** The hidden input every trigger node declares, last among its inputs. */
export const payloadInput = () =>
  field.any({
    title: 'Payload',
    description: 'What started this run, set by the platform; empty when you press Run in the editor',
    optional: true,
    // Set by the platform as a typed value: nothing connects to it, and the editor draws no socket.
    input: 'direct',
    ui: { hidden: true, order: 99 },
  });

export type PayloadRecord = Readonly<Record<string, unknown>>;

/** The payload as an object, or undefined when there is none (a run started from the editor). */
export function readPayload(payload: unknown): PayloadRecord | undefined {
  if (payload === undefined || payload === null) return undefined;
  if (!isRecord(payload)) throw malformed(`expected an object, got ${describe(payload)}`);
  return payload;
}

/** An ISO 8601 time the payload must carry under `key`. */
export function payloadTime(payload: PayloadRecord, key: string): string {
  const value = payload[key];
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    throw malformed(`"${key}" must be an ISO 8601 time such as 2025-01-31T09:00:00Z, got ${describe(value)}`);
  }
  return value;
}

export function payloadText(payload: PayloadRecord, key: string): string {
  const value = payload[key];
  if (typeof value !== 'string') throw malformed(`"${key}" must be text, got ${describe(value)}`);
  return value;
}

export function payloadObject(payload: PayloadRecord, key: string): PayloadRecord {
  const value = payload[key];
  if (!isRecord(value)) throw malformed(`"${key}" must be an object, got ${describe(value)}`);
  return value;
}

/**
 * What the image outputs of Webhook and Event give when the request or event carried no image:
 * null, and the node still succeeds. Most webhooks post JSON alone, and failing them all for an
 * output nothing reads would make the node useless; the engine leaves a node no better choice: it
 * cannot see which of its outputs are connected, and an undefined output fails the node itself
 * ("returned no value for image") whether anything reads it or not. Null is JSON's "nothing":
 * Respond answers with no image, and the editor shows none. A node that needs an image and is
 * given this null fails instead of this one.
 * The output is declared as an image so that it connects to image inputs; hence the one cast.
 */
export const NO_IMAGE = null as unknown as ImageRef;

/** The image the payload names under `key`, or NO_IMAGE when it carries none. */
export function payloadImage(payload: PayloadRecord, key: string): ImageRef {
  const value = payload[key];
  if (value === undefined || value === null) return NO_IMAGE;
  const name = isRecord(value) ? value['imageName'] : undefined;
  if (typeof name !== 'string' || name === '') throw malformed(`"${key}" must be an image reference {imageName}, got ${describe(value)}`);
  return { imageName: name };
}

export function now(): string {
  return new Date().toISOString();
}

function isRecord(value: unknown): value is PayloadRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformed(problem: string): NodeError {
  return new NodeError('invalid_payload', `The trigger's payload is malformed: ${problem}`, { field: 'payload' });
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return value.length > 40 ? `text of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
