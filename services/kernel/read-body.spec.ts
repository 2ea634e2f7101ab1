import { PassThrough, Readable } from 'node:stream';
import { readBody, type BodyLimits } from './read-body';
import { InvalidInputError, PayloadTooLargeError } from './service-errors';

const LIMITS: BodyLimits = {
  maxBytes: 1024,
  tooLarge: (limit) => `The upload is larger than ${limit}.`,
  missing: { field: 'file', message: 'send the file as the body' },
};

describe('readBody', () => {
  it('reads the whole body', async () => {
    expect((await readBody(Readable.from([Buffer.from('ab'), Buffer.from('cd')]), LIMITS)).toString()).toBe('abcd');
  });

  it('answers 413 past the limit and drains the rest, unkept', async () => {
    const body = new PassThrough();
    const reading = readBody(body, LIMITS);
    body.write(Buffer.alloc(1000));
    body.write(Buffer.alloc(1000));
    await expectAsync(reading).toBeRejectedWith(new PayloadTooLargeError('The upload is larger than 1 KB.'));
    // The rest still flows (and is dropped), so the client can read the answer; a hang-up is no crash.
    body.write(Buffer.alloc(64 * 1024));
    body.end();
    await new Promise((resolve) => body.once('end', resolve));
    body.destroy(new Error('client hung up'));
  });

  it('names the field when there is no body', async () => {
    for (const body of [null, undefined, Readable.from([])]) {
      const error = await readBody(body, LIMITS).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).message).toBe('file: send the file as the body');
    }
  });
});
