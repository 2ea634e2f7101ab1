import { characterProblem, headerNameProblem, headerValueProblem } from './http-header';

describe('HTTP header checks', () => {
  it('takes RFC 7230 tokens as names, refusing others and the headers the client sets', () => {
    for (const name of ['X-Api-Key', 'authorization', "a!#$%&'*+.^_`|~9"]) expect(headerNameProblem(name)).withContext(name).toBeUndefined();
    for (const name of ['', 'Bad Name', 'x:y', 'é', 'a\r\nb', 'x'.repeat(257), 'Host', 'content-length', 'Transfer-Encoding', 'connection']) {
      expect(headerNameProblem(name)).withContext(JSON.stringify(name)).toBeDefined();
    }
  });

  it('refuses line breaks, NUL, control characters and non-Latin-1 in values, without quoting them', () => {
    expect(headerValueProblem('Bearer abc.def\tghi')).toBeUndefined();
    expect(headerValueProblem('a\r\nX-Injected: 1')).toBe('must not contain a line break (CR or LF)');
    expect(headerValueProblem('a\nb')).toBe('must not contain a line break (CR or LF)');
    expect(headerValueProblem('a\u0000b')).toBe('must not contain a NUL byte (\\u0000)');
    expect(headerValueProblem('a\u0007b')).toBe('must not contain control characters');
    expect(headerValueProblem('snow ☃')).toContain('Latin-1');
    expect(headerValueProblem('x'.repeat(8193))).toContain('at most');
    // Text that is not a header value: any character but line breaks and controls.
    expect(characterProblem('snow ☃')).toBeUndefined();
    expect(characterProblem('tab\there')).toBe('must not contain control characters');
  });
});
