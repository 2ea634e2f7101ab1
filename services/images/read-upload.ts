/**
 * Reads an upload's body into memory, at most `maxBytes` of it. Past the limit it stops keeping
 * bytes and answers 413 at once; the rest of the body is drained, not kept, so the client still
 * gets to read the answer on the same connection.
 */
import type { Readable } from 'node:stream';
import { InvalidInputError, PayloadTooLargeError } from '../platform/service-errors';

export function readUpload(body: Readable | null | undefined, maxBytes: number): Promise<Buffer> {
  // A JSON body was already parsed by the gateway: nothing is left to read.
  if (!body || body.readableEnded) return Promise.reject(noBody());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // The error listener stays: a client that hangs up while the rest drains must not crash the process.
    const stop = () => {
      body.off('data', onData);
      body.off('end', onEnd);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        stop();
        body.resume();
        reject(new PayloadTooLargeError(`The upload is larger than ${formatBytes(maxBytes)}; send a smaller image.`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      if (size === 0) reject(noBody());
      else resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    body.on('error', onError);
    body.on('data', onData);
    body.once('end', onEnd);
  });
}

function noBody(): InvalidInputError {
  return new InvalidInputError([
    { code: 'required', field: 'file', message: 'send the image file itself as the request body, with an image Content-Type such as image/png (not JSON or a form)' },
  ]);
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}
