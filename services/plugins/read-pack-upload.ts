/**
 * Reads an uploaded pack tarball into memory, at most `maxBytes` of it; past the limit it answers
 * 413 and drains the rest unkept, so the client still reads the answer on the same connection.
 */
import type { Readable } from 'node:stream';
import { InvalidInputError, PayloadTooLargeError } from '../platform/service-errors';

export function readPackUpload(body: Readable | null | undefined, maxBytes: number): Promise<Buffer> {
  // A JSON body was already parsed by the gateway: nothing is left to read.
  if (!body || body.readableEnded) return Promise.reject(noBody());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      body.off('data', onData);
      body.off('end', onEnd);
      body.resume();
      reject(new PayloadTooLargeError(`The pack is larger than ${maxBytes} bytes`));
    };
    const onEnd = () => (size === 0 ? reject(noBody()) : resolve(Buffer.concat(chunks, size)));
    // Stays attached: a client that hangs up while the rest drains must not crash the process.
    body.on('error', reject);
    body.on('data', onData);
    body.once('end', onEnd);
  });
}

function noBody(): InvalidInputError {
  return new InvalidInputError([
    { code: 'required', field: 'body', message: 'send the .tgz that `npm pack` writes as the request body, with Content-Type application/gzip (not JSON or a form)' },
  ]);
}
