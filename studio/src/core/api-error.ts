import { HttpErrorResponse } from '@angular/common/http';

/** The gateway's `{ error: { message } }`, or a sentence for what never reached it. */
export function errorMessage(error: unknown): string {
  if (error instanceof HttpErrorResponse) {
    const body: unknown = error.error;
    if (isRecord(body) && isRecord(body['error']) && typeof body['error']['message'] === 'string') return body['error']['message'];
    if (error.status === 0) return 'The server cannot be reached. Check your connection and try again.';
    return `The server answered ${error.status} ${error.statusText}`.trim();
  }
  if (error instanceof Error) return error.message;
  return 'Something went wrong';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
