import { Errors } from 'moleculer';
import { toErrorResponse } from '../api/error-response';
import { toMoleculerError } from './error-middleware';
import { BlobStoreUnavailableError } from '../storage/blob-store';
import { NotFoundError } from './service-errors';

describe('toMoleculerError', () => {
  it('keeps an unexpected error\'s message and stack in the 500 it becomes, for the one log line, but not in the answer', () => {
    const cause = new TypeError('cannot read "x" of undefined');
    const mapped = toMoleculerError(cause) as Errors.MoleculerServerError;
    expect(mapped).toBeInstanceOf(Errors.MoleculerServerError);
    expect(mapped.code).toBe(500);
    expect(mapped.stack).toContain('Caused by: TypeError: cannot read "x" of undefined');
    expect(mapped.stack).toContain(cause.stack!.split('\n')[1]!.trim());
    const answer = toErrorResponse(mapped);
    expect(answer.status).toBe(500);
    expect(JSON.stringify(answer.body)).not.toContain('cannot read');
  });

  it('describes a thrown value that is not an Error', () => {
    expect((toMoleculerError({ reason: 'odd' }) as Error).stack).toContain('a thrown object: {"reason":"odd"}');
  });

  it('maps user errors to their status without a cause', () => {
    const mapped = toMoleculerError(new NotFoundError('batch', 'b1')) as Errors.MoleculerClientError;
    expect([mapped.code, mapped.message]).toEqual([404, 'There is no batch "b1"']);
  });

  it('maps a transient fault to a 503 that keeps its code, so a client knows what to retry', () => {
    const mapped = toMoleculerError(new BlobStoreUnavailableError('store images/a/b.png', 'bucket pinksea', new Error('connect ECONNREFUSED'))) as Errors.MoleculerRetryableError;
    expect(mapped).toBeInstanceOf(Errors.MoleculerRetryableError);
    const answer = toErrorResponse(mapped);
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('storage_unavailable');
    expect(answer.body.error.message).toBe('Storage is unavailable right now (could not store images/a/b.png); try again shortly');
    // Where the store is and why it failed go to the log, not to the client.
    expect(answer.body.error.message).not.toContain('bucket pinksea');
    expect(mapped.stack).toContain('ECONNREFUSED');
  });
});
