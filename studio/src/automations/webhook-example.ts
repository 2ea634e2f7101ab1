/**
 * What the editor shows beside a Webhook trigger of an automation: its full URL, and a curl
 * command a person can paste into a shell to call it, shaped by the trigger's settings (a JSON
 * body with the required fields, or an image; a signature for HMAC; an API key).
 */
import { API_BASE, type WebhookAuth, type WebhookMode } from '../core/api-types';

/** The webhook's URL as callers use it: the studio's origin, the API's base, and the automation's path. */
export function webhookUrl(origin: string, webhookPath: string): string {
  return `${origin.replace(/\/+$/, '')}${API_BASE}${webhookPath}`;
}

/** The webhook's test URL: a request there runs the saved draft once, recorded as a test run. */
export function testWebhookUrl(url: string): string {
  return url.replace(/\/hooks\/(?=[^/]+$)/, '/hooks/test/');
}

export interface CurlSettings {
  readonly url: string;
  readonly mode: WebhookMode;
  readonly auth: WebhookAuth;
  /** The trigger's Required fields setting as typed: names separated by commas. */
  readonly requiredFields?: string;
  /** Whether the trigger's Image output feeds a node, so a request must carry an image. */
  readonly imageRequired?: boolean;
  /** Whether a signing secret is set: the server then checks signatures whatever Authentication says. */
  readonly hasSecret?: boolean;
}

/** The JSON body of the example: each required field with a placeholder, else a small sample. */
export function exampleBody(requiredFields = ''): Record<string, string> {
  const names = requiredFields
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  if (names.length === 0) return { hello: 'world' };
  return Object.fromEntries(names.map((name) => [name, '…']));
}

/** A word quoted for a POSIX shell: single quotes, each one inside closed, escaped and reopened. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A curl command (lines joined with `\` continuations) that calls the webhook as set. */
export function curlExample(settings: CurlSettings): string {
  const lines: string[] = [];
  const image = settings.imageRequired === true;
  const body = image ? '' : JSON.stringify(exampleBody(settings.requiredFields));
  const signed = settings.auth === 'hmac' || settings.hasSecret === true;
  if (signed) {
    // The signature covers "<t>.<body>", so the body is fixed in a variable before it is signed.
    lines.push(image ? 'BODY_FILE=picture.png' : `BODY=${shellQuote(body)}`);
    lines.push('T=$(date +%s)');
    lines.push(
      image
        ? `SIG=$( (printf '%s.' "$T"; cat "$BODY_FILE") | openssl dgst -sha256 -hmac "$WEBHOOK_SECRET" | sed 's/^.* //')`
        : `SIG=$(printf '%s.%s' "$T" "$BODY" | openssl dgst -sha256 -hmac "$WEBHOOK_SECRET" | sed 's/^.* //')`,
    );
  }
  const curl = [`curl -X POST ${shellQuote(settings.url)}`];
  if (settings.auth === 'api_key') curl.push(`-H "Authorization: Bearer $PINKSEA_API_KEY"`);
  if (signed) curl.push(`-H "X-Pinksea-Signature: t=$T,v1=$SIG"`);
  if (image) {
    curl.push(`-H 'Content-Type: image/png'`);
    curl.push(signed ? '--data-binary @"$BODY_FILE"' : '--data-binary @picture.png');
    if (settings.mode === 'sync') curl.push('--output answer.png');
  } else {
    curl.push(`-H 'Content-Type: application/json'`);
    curl.push(signed ? '--data "$BODY"' : `--data ${shellQuote(body)}`);
  }
  lines.push(curl.join(' \\\n  '));
  return lines.join('\n');
}

/** What a person must know to call the webhook as set, beside the example; null when nothing more. */
export function authNote(auth: WebhookAuth, hasSecret: boolean): string | null {
  switch (auth) {
    case 'hmac':
      return (
        'Each request must carry X-Pinksea-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>"> made with the secret, ' +
        'and be sent within 5 minutes of t.' +
        (hasSecret ? '' : ' Make a secret first: until then every request is refused.')
      );
    case 'api_key':
      return 'Requests must carry one of your API keys: Authorization: Bearer <key> (Account → API keys).';
    default:
      return hasSecret ? 'A secret is set, so requests must be signed (X-Pinksea-Signature) although the trigger does not ask for it.' : null;
  }
}
