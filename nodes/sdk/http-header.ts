/**
 * What may go into an HTTP request header, for everything that builds one from a user's text
 * (stored credentials, the http pack's Headers input): a name must be an RFC 7230 token, and a
 * value must not carry CR, LF, NUL or other control characters (header injection), nor
 * characters HTTP/1.1 cannot send (above U+00FF).
 */

/** RFC 7230 §3.2.6 `token`: the characters a header name is made of. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Headers that frame or route the message: set by the HTTP client, never by a user's text. */
const RESERVED = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'expect', 'proxy-connection']);

export const MAX_HEADER_NAME_LENGTH = 256;
export const MAX_HEADER_VALUE_LENGTH = 8192;

/** Why `name` cannot be a header a user sets; undefined when it can. */
export function headerNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > MAX_HEADER_NAME_LENGTH) return `must be at most ${MAX_HEADER_NAME_LENGTH} characters`;
  if (!TOKEN.test(name)) return "must be a header name: letters, digits and !#$%&'*+-.^_`|~ only (RFC 7230 token)";
  if (RESERVED.has(name.toLowerCase())) return `cannot be "${name}": the HTTP client sets it`;
  return undefined;
}

/**
 * Why `value` cannot be a header value; undefined when it can. The value itself is never quoted
 * back, as it may be a secret.
 */
export function headerValueProblem(value: string): string | undefined {
  if (value.length > MAX_HEADER_VALUE_LENGTH) return `must be at most ${MAX_HEADER_VALUE_LENGTH} characters`;
  return characterProblem(value, { tab: true, latin1Only: true });
}

/**
 * Why `text` holds a character it must not: a line break, NUL, another control character (a tab
 * only where `tab`), or, where `latin1Only`, one above U+00FF. Undefined when there is none.
 */
export function characterProblem(text: string, allow: { readonly tab?: boolean; readonly latin1Only?: boolean } = {}): string | undefined {
  let problem: string | undefined;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 10 || code === 13) return 'must not contain a line break (CR or LF)';
    if (code === 0) return 'must not contain a NUL byte (\\u0000)';
    if ((code < 32 && !(code === 9 && allow.tab)) || code === 127) problem ??= 'must not contain control characters';
    else if (code > 255 && allow.latin1Only) problem ??= 'must contain only Latin-1 characters (HTTP headers cannot carry others)';
  }
  return problem;
}
