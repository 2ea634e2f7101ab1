import event from './event.node';
import manual from './manual.node';
import respond from './respond.node';
import schedule from './schedule.node';
import webhook from './webhook.node';
import { expectNodeError, invokeNode } from '@pinksea/node-sdk/testing';

const FIRED = '2025-03-01T09:30:00.000Z';

/** Whether `text` is an ISO time within a few seconds of now: what a run from the editor gives. */
function isNow(text: string): boolean {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(text) && Math.abs(Date.parse(text) - Date.now()) < 5_000;
}

describe('trigger.manual', () => {
  it('passes on the input given with the run and when it was started', async () => {
    expect(await invokeNode(manual, { input: 'typed', payload: { input: { prompt: 'a cat' }, firedAt: FIRED } })).toEqual({
      input: { prompt: 'a cat' },
      firedAt: FIRED,
    });
  });

  it('falls back to the input set on the node, then to null', async () => {
    expect((await invokeNode(manual, { input: [1, 2], payload: { firedAt: FIRED } })).input).toEqual([1, 2]);
    expect((await invokeNode(manual, { payload: { firedAt: FIRED } })).input).toBeNull();
  });

  it('runs from the editor with no payload: the node input and now', async () => {
    const result = await invokeNode(manual, { input: { size: 512 } });
    expect(result.input).toEqual({ size: 512 });
    expect(isNow(result.firedAt)).withContext(result.firedAt).toBeTrue();
    expect((await invokeNode(manual, {})).input).toBeNull();
  });

  it('refuses a malformed payload, naming the payload field', async () => {
    await expectNodeError(() => invokeNode(manual, { payload: 'go' }), 'invalid_payload', 'payload');
    await expectNodeError(() => invokeNode(manual, { payload: [] }), 'invalid_payload', 'payload');
    await expectNodeError(() => invokeNode(manual, { payload: { input: 1 } }), 'invalid_payload', 'payload');
    await expectNodeError(() => invokeNode(manual, { payload: { firedAt: 'yesterday' } }), 'invalid_payload', 'payload');
  });
});

describe('trigger.schedule', () => {
  it('passes on when the run was due and the time zone', async () => {
    expect(await invokeNode(schedule, { timeZone: 'Europe/Paris', payload: { fireTime: FIRED } })).toEqual({
      fireTime: FIRED,
      timeZone: 'Europe/Paris',
    });
  });

  it('runs from the editor with no payload: now, in the default time zone', async () => {
    const result = await invokeNode(schedule, {});
    expect(isNow(result.fireTime)).withContext(result.fireTime).toBeTrue();
    expect(result.timeZone).toBe('UTC');
  });

  it('refuses a payload without a fire time', async () => {
    await expectNodeError(() => invokeNode(schedule, { payload: { firedAt: FIRED } }), 'invalid_payload', 'payload');
  });

  it('declares the settings the platform reads, with their defaults and ranges', () => {
    const { inputs } = schedule;
    expect(inputs.cron).toEqual(jasmine.objectContaining({ kind: 'string', default: '0 * * * *', maxLength: 200, input: 'direct' }));
    expect(inputs.timeZone).toEqual(jasmine.objectContaining({ kind: 'string', default: 'UTC', maxLength: 100 }));
    expect(inputs.intervalSeconds).toEqual(jasmine.objectContaining({ kind: 'integer', default: 0, minimum: 0, maximum: 31_536_000 }));
    expect(inputs.catchUp).toEqual(jasmine.objectContaining({ kind: 'enum', options: ['skip', 'latest', 'all'], default: 'skip' }));
    expect(inputs.catchUpWindowMinutes).toEqual(jasmine.objectContaining({ kind: 'integer', default: 60, minimum: 1, maximum: 10_080 }));
    expect(inputs.overlap).toEqual(jasmine.objectContaining({ kind: 'enum', options: ['skip', 'queue', 'allow'], default: 'skip' }));
    expect(Object.keys(inputs.catchUp.ui?.choiceLabels ?? {})).toEqual(['skip', 'latest', 'all']);
    expect(Object.keys(inputs.overlap.ui?.choiceLabels ?? {})).toEqual(['skip', 'queue', 'allow']);
  });
});

describe('trigger.webhook', () => {
  const request = {
    body: { prompt: 'a cat', seed: 7 },
    query: { size: '512', tag: ['a', 'b'] },
    headers: { 'content-type': 'application/json' },
    receivedAt: FIRED,
    deliveryId: 'dlv_123',
  };

  it('passes on what the request carried', async () => {
    expect(await invokeNode(webhook, { payload: { ...request, image: { imageName: 'posted.png' } } })).toEqual({
      body: { prompt: 'a cat', seed: 7 },
      query: { size: '512', tag: ['a', 'b'] },
      headers: { 'content-type': 'application/json' },
      image: { imageName: 'posted.png' },
      receivedAt: FIRED,
      deliveryId: 'dlv_123',
    });
  });

  it('succeeds without an image, giving null for it', async () => {
    const result = await invokeNode(webhook, { payload: request });
    expect(result.image).toBeNull();
    expect(result.body).toEqual(request.body);
    expect((await invokeNode(webhook, { payload: { ...request, image: null } })).image).toBeNull();
  });

  it('passes a text body, or null for none, as it is', async () => {
    expect((await invokeNode(webhook, { payload: { ...request, body: 'plain text' } })).body).toBe('plain text');
    const { body: _body, ...noBody } = request;
    expect((await invokeNode(webhook, { payload: noBody })).body).toBeNull();
  });

  it('runs from the editor with no payload: empty body, query and headers, no image, now, delivery "test"', async () => {
    const { receivedAt, ...rest } = await invokeNode(webhook, {});
    expect<unknown>(rest).toEqual({ body: {}, query: {}, headers: {}, image: null, deliveryId: 'test' });
    expect(isNow(receivedAt)).withContext(receivedAt).toBeTrue();
  });

  it('refuses a malformed payload, naming the payload field', async () => {
    for (const payload of [
      { ...request, query: 'size=512' },
      { ...request, headers: null },
      { ...request, receivedAt: 12 },
      { ...request, deliveryId: undefined },
      { ...request, image: { imageName: '' } },
      { ...request, image: 'posted.png' },
    ]) {
      await expectNodeError(() => invokeNode(webhook, { payload }), 'invalid_payload', 'payload');
    }
  });

  it('declares the settings the platform reads, with their defaults and ranges', () => {
    const { inputs } = webhook;
    expect(inputs.mode).toEqual(jasmine.objectContaining({ options: ['async', 'sync'], default: 'async', input: 'direct' }));
    expect(inputs.mode.ui?.choiceLabels).toEqual({ async: 'Answer at once (202)', sync: 'Wait for the run' });
    expect(inputs.auth).toEqual(jasmine.objectContaining({ options: ['none', 'hmac', 'api_key'], default: 'none' }));
    expect(inputs.requiredFields).toEqual(jasmine.objectContaining({ kind: 'string', default: '', maxLength: 2000 }));
    expect(inputs.timeoutSeconds).toEqual(jasmine.objectContaining({ kind: 'integer', default: 30, minimum: 1, maximum: 300 }));
    expect(inputs.rateLimitPerMinute).toEqual(jasmine.objectContaining({ kind: 'integer', default: 600, minimum: 1, maximum: 1_000_000 }));
    expect(inputs.maxBodyKb).toEqual(jasmine.objectContaining({ kind: 'integer', default: 1024, minimum: 1, maximum: 20_480 }));
    expect(webhook.outputs.image.kind).toBe('image');
  });
});

describe('trigger.event', () => {
  it('passes on the event, its subject, its image and when it happened', async () => {
    const payload = { event: 'image.saved', subject: { imageName: 'saved.png', boardId: 'b1' }, image: { imageName: 'saved.png' }, firedAt: FIRED };
    expect(await invokeNode(event, { payload })).toEqual({
      event: 'image.saved',
      subject: { imageName: 'saved.png', boardId: 'b1' },
      image: { imageName: 'saved.png' },
      firedAt: FIRED,
    });
  });

  it('gives null for the image of an event about an automation run', async () => {
    const payload = { event: 'automation.failed', subject: { automationId: 'a1', runId: 'r9' }, firedAt: FIRED };
    const result = await invokeNode(event, { event: 'automation.failed', payload });
    expect(result.image).toBeNull();
    expect(result.subject).toEqual({ automationId: 'a1', runId: 'r9' });
    expect(result.event).toBe('automation.failed');
  });

  it('runs from the editor with no payload: the chosen event, an empty subject, no image, now', async () => {
    const result = await invokeNode(event, { event: 'automation.succeeded' });
    expect(result.event).toBe('automation.succeeded');
    expect(result.subject).toEqual({});
    expect(result.image).toBeNull();
    expect(isNow(result.firedAt)).toBeTrue();
  });

  it('refuses a malformed payload, naming the payload field', async () => {
    await expectNodeError(() => invokeNode(event, { payload: { event: 'image.saved', subject: [], firedAt: FIRED } }), 'invalid_payload', 'payload');
    await expectNodeError(() => invokeNode(event, { payload: { subject: {}, firedAt: FIRED } }), 'invalid_payload', 'payload');
  });

  it('declares the event and its filters', () => {
    expect(event.inputs.event).toEqual(
      jasmine.objectContaining({ options: ['image.saved', 'automation.succeeded', 'automation.failed'], default: 'image.saved', input: 'direct' }),
    );
    expect(event.inputs.boardId).toEqual(jasmine.objectContaining({ kind: 'string', optional: true, ui: jasmine.objectContaining({ placeholder: 'Any board' }) }));
    expect(event.inputs.automationId).toEqual(jasmine.objectContaining({ kind: 'string', optional: true }));
  });
});

describe('trigger.respond', () => {
  it('answers with the status, the body and the image', async () => {
    expect(await invokeNode(respond, { status: 201, body: { id: 'A-17', tags: ['x'] }, image: { imageName: 'out.png' } })).toEqual({
      response: { status: 201, body: { id: 'A-17', tags: ['x'] }, image: { imageName: 'out.png' } },
    });
  });

  it('answers 200 with null body and image when neither is set', async () => {
    expect(await invokeNode(respond, {})).toEqual({ response: { status: 200, body: null, image: null } });
  });

  it('keeps only the image name of the image it is given', async () => {
    const image = { imageName: 'out.png', width: 64 } as { imageName: string };
    expect((await invokeNode(respond, { image })).response).toEqual({ status: 200, body: null, image: { imageName: 'out.png' } });
  });

  it('refuses a status outside 100-599, naming the field', async () => {
    for (const status of [99, 600, 200.5]) await expectNodeError(() => invokeNode(respond, { status }), 'invalid_status', 'status');
  });

  it('refuses a body that JSON would not give back as it is, saying where', async () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    for (const body of [{ run: () => 1 }, { count: 10n }, cyclic, { at: new Date(0) }, { n: Number.NaN }, [1, undefined], { gone: undefined }, new Map()]) {
      await expectNodeError(() => invokeNode(respond, { body }), 'body_not_json', 'body');
    }
    const error = await invokeNode(respond, { body: { items: [{ ok: 1 }, { run: () => 1 }] } }).catch((thrown: unknown) => thrown);
    expect((error as Error).message).toBe('The body cannot be sent as JSON: body.items[1].run is a function, which JSON cannot hold');
  });

  it('takes a value shared by two branches, which is no cycle', async () => {
    const shared = { sku: 'SKU-1' };
    const { response } = await invokeNode(respond, { body: { first: shared, second: shared } });
    expect(response).toEqual({ status: 200, body: { first: shared, second: shared }, image: null });
  });

  it('takes a body up to 1 MB written out, and refuses a larger one', async () => {
    const text = (bytes: number) => 'x'.repeat(bytes - 2); // the quotes make up the rest
    const { response } = await invokeNode(respond, { body: text(1024 * 1024) });
    expect(response).toEqual({ status: 200, body: text(1024 * 1024), image: null });
    await expectNodeError(() => invokeNode(respond, { body: text(1024 * 1024 + 1) }), 'body_too_large', 'body');
    // Multi-byte characters count as the bytes they take.
    await expectNodeError(() => invokeNode(respond, { body: 'é'.repeat(600_000) }), 'body_too_large', 'body');
    // Too many items is refused before they are walked one by one.
    await expectNodeError(() => invokeNode(respond, { body: new Array<number>(2_000_000).fill(0) }), 'body_too_large', 'body');
  });

  it('refuses a body nested more than 64 levels deep', async () => {
    const nest = (levels: number): unknown => {
      let value: unknown = 1;
      for (let level = 0; level < levels; level++) value = [value];
      return value;
    };
    expect((await invokeNode(respond, { body: nest(64) })).response).toEqual({ status: 200, body: nest(64), image: null });
    await expectNodeError(() => invokeNode(respond, { body: nest(65) }), 'body_not_json', 'body');
  });
});
