/**
 * Reads a streamed request body (an image upload, a pack tarball) into memory with raw-body, at
 * most `maxBytes` of it. Past the limit it answers 413 at once and drains the rest unkept, so the
 * client still reads the answer on the same connection.
 */
import type { Readable } from 'node:stream';
import getRawBody from 'raw-body';
import { formatBytes } from '../../engine/format-bytes';
import { InvalidInputError, PayloadTooLargeError } from './service-errors';

export interface BodyLimits {
  readonly maxBytes: number;
  /** The 413's message, given the limit in words ("256 KB"). */
  readonly tooLarge: (limit: string) => string;
  /** The 422 issue for a request that sent no body: which field, and what to send instead. */
  readonly missing: { readonly field: string; readonly message: string };
}

export async function readBody(body: Readable | null | undefined, limits: BodyLimits): Promise<Buffer> {
  const missing = () => new InvalidInputError([{ code: 'required', ...limits.missing }]);
  // A JSON body was already parsed by the gateway: nothing is left to read.
  if (!body || body.readableEnded) throw missing();
  let bytes: Buffer;
  try {
    bytes = await getRawBody(body, { limit: limits.maxBytes });
  } catch (error) {
    if ((error as getRawBody.RawBodyError).type !== 'entity.too.large') throw error;
    // raw-body leaves the stream paused and unlistened: drain it, and let a client that hangs up
    // meanwhile not crash the process.
    body.on('error', () => undefined);
    body.resume();
    throw new PayloadTooLargeError(limits.tooLarge(formatBytes(limits.maxBytes)));
  }
  if (bytes.length === 0) throw missing();
  return bytes;
}
