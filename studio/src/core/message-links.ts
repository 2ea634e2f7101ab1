/**
 * The studio paths a server message names, made links: a 402 ends "choose a plan at /pricing", and
 * the toast should take the person there. Only paths the studio has are linked, so no message can
 * make a link anywhere else.
 */
const LINKED_PATHS = ['/pricing'] as const;
const PATTERN = new RegExp(`(?<![\\w/])(${LINKED_PATHS.map((path) => path.replace('/', '\\/')).join('|')})(?![\\w/-])`, 'g');

export interface MessagePart {
  readonly text: string;
  /** The studio route the part links to, when it names one. */
  readonly link?: string;
}

/** A message as text and links, in order; one text part when it names no studio path. */
export function messageParts(message: string): MessagePart[] {
  const parts: MessagePart[] = [];
  let last = 0;
  for (const match of message.matchAll(PATTERN)) {
    if (match.index > last) parts.push({ text: message.slice(last, match.index) });
    parts.push({ text: match[0], link: match[0] });
    last = match.index + match[0].length;
  }
  if (last < message.length || parts.length === 0) parts.push({ text: message.slice(last) });
  return parts;
}
