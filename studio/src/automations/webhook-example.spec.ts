import { authNote, curlExample, exampleBody, shellQuote, testWebhookUrl, webhookUrl } from './webhook-example';

const URL_ = 'http://127.0.0.1:9090/api/v1/hooks/abcdefghijklmnopqrstuvwx';

describe('webhook example', () => {
  it('builds the full URL from the origin, the API base and the path', () => {
    expect(webhookUrl('http://127.0.0.1:9090', '/hooks/abcdefghijklmnopqrstuvwx')).toBe(URL_);
    expect(webhookUrl('https://pinksea.example/', '/hooks/x')).toBe('https://pinksea.example/api/v1/hooks/x');
  });

  it('gives the test URL beside the webhook URL, the token kept', () => {
    expect(testWebhookUrl(URL_)).toBe('http://127.0.0.1:9090/api/v1/hooks/test/abcdefghijklmnopqrstuvwx');
    expect(testWebhookUrl('https://hooks.example/api/v1/hooks/x')).toBe('https://hooks.example/api/v1/hooks/test/x');
  });

  it('posts JSON with each required field, quoted for the shell', () => {
    const curl = curlExample({ url: URL_, mode: 'async', auth: 'none', requiredFields: 'prompt, seed' });
    expect(curl).toBe(`curl -X POST '${URL_}' \\\n  -H 'Content-Type: application/json' \\\n  --data '{"prompt":"…","seed":"…"}'`);
    expect(exampleBody('')).toEqual({ hello: 'world' });
    expect(exampleBody(' , name ,')).toEqual({ name: '…' });
  });

  it('signs the body for HMAC webhooks, with the signature header the server checks', () => {
    const curl = curlExample({ url: URL_, mode: 'sync', auth: 'hmac' });
    expect(curl).toContain(`BODY='{"hello":"world"}'`);
    expect(curl).toContain(`printf '%s.%s' "$T" "$BODY" | openssl dgst -sha256 -hmac "$WEBHOOK_SECRET"`);
    expect(curl).toContain('-H "X-Pinksea-Signature: t=$T,v1=$SIG"');
    expect(curl).toContain('--data "$BODY"');
    expect(authNote('hmac', false)).toContain('Make a secret first');
    expect(authNote('hmac', true)).toContain('X-Pinksea-Signature: t=<unix seconds>,v1=');
  });

  it('sends an image as the body where the trigger needs one, and keeps a sync answer', () => {
    const curl = curlExample({ url: URL_, mode: 'sync', auth: 'api_key', imageRequired: true });
    expect(curl).toContain('-H "Authorization: Bearer $PINKSEA_API_KEY"');
    expect(curl).toContain(`-H 'Content-Type: image/png'`);
    expect(curl).toContain('--data-binary @picture.png');
    expect(curl).toContain('--output answer.png');
    expect(curl).not.toContain('application/json');
    expect(curlExample({ url: URL_, mode: 'async', auth: 'none', imageRequired: true })).not.toContain('--output');
  });

  it('quotes single quotes so a pasted command means what it shows', () => {
    expect(shellQuote(`it's`)).toBe(`'it'\\''s'`);
    expect(curlExample({ url: URL_, mode: 'async', auth: 'none', requiredFields: `o'neil` })).toContain(`--data '{"o'\\''neil":"…"}'`);
  });

  it('signs whenever a secret is set, as the server then checks', () => {
    expect(curlExample({ url: URL_, mode: 'async', auth: 'none', hasSecret: true })).toContain('X-Pinksea-Signature');
    expect(curlExample({ url: URL_, mode: 'async', auth: 'none', hasSecret: false })).not.toContain('X-Pinksea-Signature');
  });

  it('says nothing more for an open webhook without a secret', () => {
    expect(authNote('none', false)).toBeNull();
    expect(authNote('none', true)).toContain('signed');
  });
});
