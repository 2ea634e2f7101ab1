/**
 * A graph's validation issues as the canvas shows them: by node id (graph-wide ones under ''),
 * each field named as the inspector names it. The same issues come from `POST /graphs/validate`
 * and from a refused publish (a 422 whose `error.issues` lists them all).
 */
import { HttpErrorResponse } from '@angular/common/http';
import type { Issue } from '../core/api-types';

export type IssuesByNode = Readonly<Record<string, readonly Issue[]>>;

export function issuesByNode(issues: readonly Issue[]): IssuesByNode {
  const byNode: Record<string, Issue[]> = {};
  for (const issue of issues) (byNode[issue.nodeId ?? ''] ??= []).push({ ...issue, ...(issue.field ? { field: issue.field.replace(/^inputs\./, '') } : {}) });
  return byNode;
}

/** The graph issues a 422 lists; null for any other error, or a 422 that names none. */
export function refusedGraphIssues(error: unknown): Issue[] | null {
  if (!(error instanceof HttpErrorResponse) || error.status !== 422) return null;
  const body: unknown = error.error;
  const list = isRecord(body) && isRecord(body['error']) ? body['error']['issues'] : undefined;
  if (!Array.isArray(list)) return null;
  const issues = list.filter((issue): issue is Issue => isRecord(issue) && typeof issue['message'] === 'string' && typeof issue['code'] === 'string');
  return issues.length > 0 ? issues : null;
}

/** "2 problems in the graph: Add.B: expected a number" */
export function issuesSentence(issues: readonly Issue[], prefix: string): string {
  return `${prefix}: ${issues.length} ${issues.length === 1 ? 'problem' : 'problems'} in the graph: ${issues[0]!.message}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
