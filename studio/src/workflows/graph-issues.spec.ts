import { HttpErrorResponse } from '@angular/common/http';
import { issuesByNode, issuesSentence, refusedGraphIssues } from './graph-issues';

describe('graph issues', () => {
  it('groups issues by node, graph-wide ones under the empty id, fields named as the inspector names them', () => {
    expect(
      issuesByNode([
        { code: 'invalid_value', message: 'expected an integer', nodeId: 'a', field: 'inputs.value' },
        { code: 'unknown_field', message: 'no such output', nodeId: 'a' },
        { code: 'too_many_nodes', message: 'at most 20 nodes' },
      ]),
    ).toEqual({
      a: [
        { code: 'invalid_value', message: 'expected an integer', nodeId: 'a', field: 'value' },
        { code: 'unknown_field', message: 'no such output', nodeId: 'a' },
      ],
      '': [{ code: 'too_many_nodes', message: 'at most 20 nodes' }],
    });
  });

  it('reads the issues of a refused publish, and nothing from other errors', () => {
    const issues = [{ code: 'invalid_value', message: 'expected an integer', nodeId: 'a', field: 'inputs.value' }];
    const refused = new HttpErrorResponse({ status: 422, error: { error: { code: 'graph_invalid', message: 'x', issues: [...issues, { bogus: true }] } } });
    expect(refusedGraphIssues(refused)).toEqual(issues);
    expect(refusedGraphIssues(new HttpErrorResponse({ status: 422, error: { error: { code: 'invalid_input', message: 'x' } } }))).toBeNull();
    expect(refusedGraphIssues(new HttpErrorResponse({ status: 404, error: { error: { code: 'not_found', message: 'x', issues } } }))).toBeNull();
    expect(refusedGraphIssues(new Error('boom'))).toBeNull();
  });

  it('says how many problems there are and the first', () => {
    expect(issuesSentence([{ code: 'c', message: 'A is missing' }], 'Not published')).toBe('Not published: 1 problem in the graph: A is missing');
    expect(issuesSentence([{ code: 'c', message: 'A' }, { code: 'c', message: 'B' }], 'Invalid')).toBe('Invalid: 2 problems in the graph: A');
  });
});
