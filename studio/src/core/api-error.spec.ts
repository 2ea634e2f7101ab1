import { HttpErrorResponse } from '@angular/common/http';
import { fieldIssues } from './api-error';

describe('fieldIssues', () => {
  it("reads a 422's issues by field, joining a field's messages", () => {
    const error = new HttpErrorResponse({
      status: 422,
      error: { error: { code: 'invalid_input', message: '…', issues: [
        { field: 'width', code: 'size_mismatch', message: 'The init image is 64x64.' },
        { field: 'width', code: 'too_many_pixels', message: 'Too many pixels.' },
        { field: 'mask', message: 'The mask is 32x32.' },
        { field: '', message: 'no field' },
      ] } },
    });
    expect(fieldIssues(error)).toEqual({ width: 'The init image is 64x64. Too many pixels.', mask: 'The mask is 32x32.' });
  });

  it('gives nothing for other errors', () => {
    expect(fieldIssues(new HttpErrorResponse({ status: 500, error: 'boom' }))).toEqual({});
    expect(fieldIssues(new Error('x'))).toEqual({});
  });
});
