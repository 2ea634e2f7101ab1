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

/**
 * A 422's `error.issues[]` by field (`{ field: message }`, messages of one field joined), so a
 * form can show each next to its input; empty for any other error.
 */
export function fieldIssues(error: unknown): Record<string, string> {
  const issues: Record<string, string> = {};
  if (!(error instanceof HttpErrorResponse)) return issues;
  const body: unknown = error.error;
  const list = isRecord(body) && isRecord(body['error']) ? body['error']['issues'] : undefined;
  if (!Array.isArray(list)) return issues;
  for (const issue of list) {
    if (!isRecord(issue) || typeof issue['field'] !== 'string' || !issue['field'] || typeof issue['message'] !== 'string') continue;
    const field = issue['field'];
    issues[field] = issues[field] ? `${issues[field]} ${issue['message']}` : issue['message'];
  }
  return issues;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
