/**
 * The webhook endpoint: a request to `/hooks/<token>` (or its test URL, `/hooks/test/<token>`)
 * finds its automation (kept in memory for a moment, forgotten on any change), is held to the
 * trigger's rate limit and authentication, has its body read and checked, fires the automation,
 * and is answered by the trigger's mode: at once (202) or with the run's answer.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { LRUCache } from 'lru-cache';
import getRawBody from 'raw-body';
import type { Graph } from '../../engine/graph/graph';
import { TokenBucketLimiter } from '../accounts/rate-limiter';
import type { ActionContext } from '../kernel/action-params';
import type { AuthUser } from '../kernel/auth-middleware';
import { NotFoundError, RateLimitedError, UnauthorizedError } from '../kernel/service-errors';
import type { AutomationFiring, FinishedRun, FireOutcome } from './automation-firing';
import type { AutomationTrigger, RunStatus } from './automation-records';
import type { AutomationRepository, FiringAutomation } from './automation.repository';
import type { SecretBox } from './secret-box';
import { BadRequestError, bodyTooLarge, deliveryIdOf, missingFields, parseWebhookBody, SIGNATURE_HEADER, verifySignature, visibleHeaders } from './webhook-request';

/** How long a webhook's automation is trusted from memory; changes elsewhere reach it by the broadcast, or after this. */
const HOOK_CACHE_MS = 2000;
/** A webhook call's limit: its trigger's longest wait, and time to read the body and answer. */
export const HOOK_CALL_TIMEOUT_MS = 330_000;
export const HOOK_ROUTES = (['POST', 'PUT', 'PATCH', 'GET'] as const).map((method) => ({ method, path: '/hooks/:token', type: 'stream' as const }));

type WebhookTrigger = Extract<AutomationTrigger, { kind: 'webhook' }>;
export type HookContext = ActionContext<{ token: string; [query: string]: unknown }>;

export interface AcceptedRun {
  readonly runId: string;
  readonly status: RunStatus;
  /** An earlier firing had the same key (a replayed signature, a repeated delivery id): nothing new ran. */
  readonly duplicate: boolean;
  readonly statusUrl: string;
}

export interface WebhookEndpointOptions {
  readonly repository: AutomationRepository;
  readonly firing: AutomationFiring;
  readonly secrets: SecretBox;
  /** The triggers a graph declares (the draft's, for the test URL), refusing bad ones. */
  readonly triggersOf: (graph: Graph) => readonly AutomationTrigger[];
}

export class WebhookEndpoint {
  private readonly hooks = new LRUCache<string, { found: FiringAutomation | null; at: number }>({ max: 10_000 });
  private readonly limiters = new Map<number, TokenBucketLimiter>();

  constructor(private readonly options: WebhookEndpointOptions) {}

  /** Forgets the automations it holds (one changed). */
  forget(): void {
    this.hooks.clear();
  }

  /** The automation a token names (its draft for the test URL); 404 for an unknown, disabled or deleted one. */
  async target(token: string, options: { draft?: boolean } = {}): Promise<FiringAutomation> {
    if (options.draft) {
      // The test URL runs the draft as it is now: its own triggers, read afresh (nothing cached).
      const found = /^[A-Za-z0-9_-]{20,100}$/.test(token) ? await this.options.repository.findByWebhookToken(token) : undefined;
      const draft = found && (await this.options.repository.draftGraph(found.automation.ownerId, found.automation.workflowId));
      if (!found || !draft) throw new NotFoundError('webhook', token.slice(0, 8) + '…');
      const triggers = this.options.triggersOf(draft);
      if (!triggers.some((trigger) => trigger.kind === 'webhook')) throw new NotFoundError('webhook', token.slice(0, 8) + '…');
      return { ...found, graph: draft, automation: { ...found.automation, triggers, version: 0 } };
    }
    const cached = this.hooks.get(token);
    let found = cached && Date.now() - cached.at < HOOK_CACHE_MS ? cached.found : undefined;
    if (found === undefined) {
      found = /^[A-Za-z0-9_-]{20,100}$/.test(token) ? ((await this.options.repository.findByWebhookToken(token)) ?? null) : null;
      this.hooks.set(token, { found, at: Date.now() });
    }
    // A disabled or deleted automation is answered as an unknown one.
    if (!found || !found.automation.enabled || !found.automation.webhookPath) throw new NotFoundError('webhook', token.slice(0, 8) + '…');
    return found;
  }

  /** A request to a webhook (or its test URL): checked, read, fired, and answered by the trigger's mode. */
  async serve(ctx: HookContext, target: FiringAutomation, trigger: 'webhook' | 'test'): Promise<unknown> {
    const meta = ctx.meta as typeof ctx.meta & { headers?: IncomingHttpHeaders; user?: AuthUser };
    const headers = meta.headers ?? {};
    const hook = target.automation.triggers.find((entry): entry is WebhookTrigger => entry.kind === 'webhook')!;
    const allowed = this.limiterFor(hook.rateLimitPerMinute).take(target.automation.id);
    if (!allowed.allowed) {
      drain(ctx.stream as Readable | null);
      throw new RateLimitedError(Math.max(1, Math.ceil(allowed.retryAfterMs / 1000)));
    }
    if (hook.auth === 'api_key' && meta.user?.id !== target.automation.ownerId) {
      drain(ctx.stream as Readable | null);
      throw new UnauthorizedError("This webhook needs an API key of the automation's owner: Authorization: Bearer <key>");
    }
    const raw = await readHookBody(ctx.stream as Readable | null, hook.maxBodyKb);
    let fireKey: string | undefined;
    if (hook.auth === 'hmac' || target.webhookSecret) {
      if (!target.webhookSecret) throw new UnauthorizedError('This webhook is set to check signatures but has no secret yet: make one in the automation’s settings');
      const signature = verifySignature(this.options.secrets.open(target.webhookSecret), firstHeader(headers[SIGNATURE_HEADER]), raw);
      // A signed request replayed within the tolerance carries the same signature: it runs once.
      fireKey = `signature:${signature}`;
    }
    const delivery = deliveryIdOf(headers);
    if (delivery) fireKey = `delivery:${delivery}`;
    const { body, image } = await parseWebhookBody(raw, firstHeader(headers['content-type']));
    const missing = missingFields(body, hook.requiredFields);
    if (hook.imageRequired && !image) missing.push({ code: 'required', field: 'image', message: 'The webhook request carried no image: post one as the body or as a multipart file' });
    if (missing.length > 0) throw new BadRequestError(missing);
    const sync = hook.mode === 'sync';
    const outcome = await this.options.firing.fire(target, {
      trigger,
      triggerNodeId: hook.nodeId,
      ...(fireKey ? { fireKey } : {}),
      fireKeyMayRepeat: fireKey !== undefined,
      // The body as sent, JSON-escaped at most 6-fold, and headers Node bounds at 16 KB.
      payloadBytes: raw.length * 6 + 16 * 1024 + 256,
      payload: { body, query: queryOf(ctx.params), headers: visibleHeaders(headers), receivedAt: new Date().toISOString(), deliveryId: delivery ?? '' },
      ...(image ? { image } : {}),
      wait: sync,
    });
    const accepted = () => acceptedRun(ctx.meta, outcome);
    if (!sync || outcome.duplicate) return accepted();
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([outcome.done, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), hook.timeoutSeconds * 1000)))]);
    clearTimeout(timer);
    if (!finished) {
      await outcome.persist();
      return accepted();
    }
    return respond(ctx.meta, finished);
  }

  private limiterFor(perMinute: number): TokenBucketLimiter {
    let limiter = this.limiters.get(perMinute);
    if (!limiter) this.limiters.set(perMinute, (limiter = new TokenBucketLimiter({ capacity: perMinute, refillEveryMs: 60_000 / perMinute })));
    return limiter;
  }
}

/** A run started and not waited for: 202, with where to follow it. */
export function acceptedRun(meta: { $statusCode?: number }, outcome: Pick<FireOutcome, 'runId' | 'status' | 'duplicate'>): AcceptedRun {
  meta.$statusCode = 202;
  return { runId: outcome.runId, status: outcome.status, duplicate: outcome.duplicate, statusUrl: `/api/v1/automation-runs/${outcome.runId}` };
}

/** What a sync webhook answers once its run ended: the respond node's choice, or the run's outcome. */
function respond(meta: { $statusCode?: number; $responseType?: string; $responseHeaders?: Record<string, string> }, run: FinishedRun): unknown {
  meta.$responseHeaders = { 'X-Pinksea-Run': run.runId };
  if (run.status !== 'succeeded') {
    // The graph's own failure is the automation's (422); the platform's are 503 (try again) or 500.
    const kind = run.error?.kind ?? 'internal';
    meta.$statusCode = kind === 'user' ? 422 : kind === 'transient' ? 503 : 500;
    return { runId: run.runId, status: run.status, error: run.error };
  }
  const output = run.output;
  meta.$statusCode = output?.status ?? 200;
  if (run.image) {
    meta.$responseType = `image/${run.image.format}`;
    return Buffer.from(run.image.data.buffer, run.image.data.byteOffset, run.image.data.byteLength);
  }
  return output ? output.body : { runId: run.runId, status: run.status };
}

async function readHookBody(stream: Readable | null, maxBodyKb: number): Promise<Buffer> {
  if (!stream || stream.readableEnded) return Buffer.alloc(0);
  try {
    return await getRawBody(stream, { limit: maxBodyKb * 1024 });
  } catch (error) {
    if ((error as { type?: string }).type !== 'entity.too.large') throw error;
    drain(stream);
    throw bodyTooLarge(maxBodyKb);
  }
}

/** Reads and drops the rest of a body not wanted, so the client still reads the answer. */
function drain(stream: Readable | null): void {
  if (!stream || stream.readableEnded) return;
  stream.on('error', () => undefined);
  stream.resume();
}

const firstHeader = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** The query string's parameters: what is in the params besides the token. */
function queryOf(params: Record<string, unknown>): Record<string, unknown> {
  const { token: _token, ...query } = params;
  return query;
}
