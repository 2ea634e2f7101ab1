/**
 * `POST /queue/:queueId/generate`: text to image, image to image and inpainting from simple
 * parameters, for the studio's generation panel and simple API clients. It checks what a graph
 * cannot say well (sizes, the model's type, the init image and mask), builds the standard graph
 * (generation-graph.ts) and enqueues it as a batch of `batchCount` images with consecutive seeds.
 */
import { randomInt } from 'node:crypto';
import type { ServiceSchema } from 'moleculer';
import type { Issue } from '../../engine/errors';
import type { NodeRegistry } from '../../engine/registry/node-registry';
import { SUPPORTED_BASES } from '../../nodes/diffusion';
import type { ImageRecords } from '../images/image-records';
import type { ModelRecordReader } from '../models/model-records';
import { defineAction, type ParamsOf } from '../kernel/action-params';
import { callerOf } from '../kernel/auth-middleware';
import { InvalidInputError } from '../kernel/service-errors';
import { MAX_BATCH_PRIORITY } from '../queue/job-transport';
import type { SessionQueue } from '../queue/session-queue';
import { buildGenerationBatch, hiresSize, MAX_SEED, type GenerationParams } from './generation-graph';
import type { GenerateResult } from './generation-views';
import { DEFAULT_PLAN } from '../accounts/plans';
import { UPGRADE_PATH, type PlanCatalog } from '../billing/plan-catalog';
import type { PlanRecord } from '../billing/plan-records';

export interface GenerationServiceOptions {
  readonly queue: SessionQueue;
  readonly registry: NodeRegistry;
  readonly models: ModelRecordReader;
  readonly images: Pick<ImageRecords, 'find'>;
  /** Most pixels (width × height) one image may have. */
  readonly maxPixels: number;
  /** The caller's plan may allow fewer (its largest image). */
  readonly plans?: PlanCatalog;
}

const DEFAULT_SIDE = 512;
const MIN_SIDE = 64;
const TEXT = (max: number) => ({ type: 'string', max, optional: true, default: '' }) as const;
const SIDE = { type: 'number', integer: true, min: MIN_SIDE, max: 8192, optional: true, convert: true } as const;

export const GENERATE_PARAMS = {
  queueId: { type: 'string', pattern: /^[a-z0-9_-]{1,64}$/, messages: { stringPattern: 'queueId must be 1-64 lower-case letters, digits, - or _' } },
  prompt: { type: 'string', max: 10_000 },
  negativePrompt: TEXT(10_000),
  model: { type: 'string', min: 1, max: 200 },
  width: SIDE,
  height: SIDE,
  steps: { type: 'number', integer: true, min: 1, max: 200, default: 20, convert: true },
  cfgScale: { type: 'number', min: 1, max: 50, default: 7.5, convert: true },
  scheduler: { type: 'string', max: 64, default: 'euler' },
  seed: { type: 'number', integer: true, min: 0, max: MAX_SEED, optional: true, convert: true },
  strength: { type: 'number', min: 0, max: 1, default: 0.75, convert: true },
  initImage: { type: 'string', min: 1, max: 200, optional: true },
  mask: { type: 'string', min: 1, max: 200, optional: true },
  batchCount: { type: 'number', integer: true, min: 1, max: 100, default: 1, convert: true },
  hiresScale: { type: 'number', min: 1, max: 4, optional: true, convert: true },
  hiresStrength: { type: 'number', min: 0, max: 1, default: 0.45, convert: true },
  priority: { type: 'number', integer: true, min: 0, max: MAX_BATCH_PRIORITY, optional: true },
} as const;

/**
 * The request as the handler receives it: defaults filled in, and null possible for the optional
 * fields, which the validator lets through. The studio's view, GenerateRequest in
 * generation-views.ts, must stay a request these rules accept (generation-views.spec.ts).
 */
export type GenerateCall = ParamsOf<typeof GENERATE_PARAMS>;

export function createGenerationService(options: GenerationServiceOptions): ServiceSchema {
  return {
    name: 'generation',
    settings: { rest: '/' },
    actions: {
      generate: defineAction({
        rest: 'POST /queue/:queueId/generate',
        params: GENERATE_PARAMS,
        async handler(ctx): Promise<GenerateResult> {
          const caller = callerOf(ctx);
          const ownerId = caller.id;
          const plan = await options.plans?.get(caller.plan ?? DEFAULT_PLAN);
          const params = await checkRequest(options, ownerId, ctx.params, plan);
          const result = await options.queue.enqueueBatch(ownerId, ctx.params.queueId, {
            batch: buildGenerationBatch(params),
            origin: 'generate',
            // A null priority, like none, is the queue's default.
            ...(ctx.params.priority != null ? { priority: ctx.params.priority } : {}),
          }, caller.plan);
          return { ...result, seeds: Array.from({ length: params.batchCount }, (_, index) => (params.seed + index) % (MAX_SEED + 1)) };
        },
      }),
    },
  };
}

/** Every problem with the request at once, each naming its field; the complete parameters when none. */
async function checkRequest(options: GenerationServiceOptions, ownerId: string, request: GenerateCall, plan?: PlanRecord): Promise<GenerationParams> {
  const issues: Issue[] = [];
  const problem = (field: string, code: string, message: string) => issues.push({ field, code, message });

  const schedulers = schedulerNames(options.registry);
  if (!schedulers.includes(request.scheduler)) problem('scheduler', 'invalid_value', `Unknown scheduler "${request.scheduler}"; choose one of ${schedulers.join(', ')}`);

  const model = await options.models.findVisible(ownerId, request.model);
  if (!model) problem('model', 'not_found', `There is no model with key "${request.model}"`);
  else if (model.type !== 'main') problem('model', 'wrong_model_type', `Model "${model.name}" is a ${model.type} model; generation needs a main (Stable Diffusion pipeline) model`);
  else if (!SUPPORTED_BASES.includes(model.base)) problem('model', 'unsupported_model_base', `Model "${model.name}" is a ${model.base} pipeline; generation runs ${SUPPORTED_BASES.join(' and ')} pipelines`);

  let width = request.width ?? DEFAULT_SIDE;
  let height = request.height ?? DEFAULT_SIDE;
  if (request.mask && !request.initImage) problem('mask', 'init_image_required', 'A mask needs an init image to paint into; send initImage too');
  if (request.initImage) {
    const init = await options.images.find(ownerId, request.initImage);
    if (!init) problem('initImage', 'not_found', `There is no image named "${request.initImage}"`);
    else {
      const sized = (field: 'width' | 'height', given: number | null | undefined, actual: number) => {
        if (given !== undefined && given !== actual) problem(field, 'size_mismatch', `The init image is ${init.width}x${init.height}; leave ${field} out or send ${actual}`);
        return actual;
      };
      width = sized('width', request.width, init.width);
      height = sized('height', request.height, init.height);
      if (request.mask) {
        const mask = await options.images.find(ownerId, request.mask);
        if (!mask) problem('mask', 'not_found', `There is no image named "${request.mask}"`);
        else if (mask.width !== init.width || mask.height !== init.height) {
          problem('mask', 'size_mismatch', `The mask is ${mask.width}x${mask.height} but the init image is ${init.width}x${init.height}; they must match`);
        }
      }
    }
  }
  for (const [field, side] of [['width', width], ['height', height]] as const) {
    if (side < MIN_SIDE) problem(field, 'too_small', `${field} must be at least ${MIN_SIDE} (got ${side})`);
    else if (side % 8 !== 0) problem(field, 'not_multiple_of_8', `${field} must be a multiple of 8 (got ${side}); try ${Math.max(8, Math.round(side / 8) * 8)}`);
  }
  if (width * height > options.maxPixels) {
    problem('width', 'too_many_pixels', `${width}x${height} is ${width * height} pixels; this server allows at most ${options.maxPixels} (PINKSEA_MAX_GENERATION_PIXELS)`);
  } else if (plan && width * height > plan.maxImagePixels) {
    problem('width', 'plan_image_limit', `${width}x${height} is ${width * height} pixels; your ${plan.name} plan allows at most ${plan.maxImagePixels} (${(plan.maxImagePixels / 1048576).toFixed(0)} MP): choose a larger plan at ${UPGRADE_PATH}`);
  }
  const hires = request.hiresScale != null && request.hiresScale > 1 ? { scale: request.hiresScale, strength: request.hiresStrength ?? 0.45 } : undefined;
  if (hires) {
    const size = hiresSize({ width, height, hires });
    const most = Math.min(options.maxPixels, plan?.maxImagePixels ?? Infinity);
    if (size.width * size.height > most) {
      problem('hiresScale', 'too_many_pixels', `The high-res pass would be ${size.width}x${size.height}, ${size.width * size.height} pixels; ${most < options.maxPixels ? `your ${plan!.name} plan` : 'this server'} allows at most ${most}`);
    }
  }
  if (issues.length > 0) throw new InvalidInputError(issues);
  return {
    prompt: request.prompt,
    negativePrompt: request.negativePrompt,
    model: request.model,
    width,
    height,
    steps: request.steps,
    cfgScale: request.cfgScale,
    scheduler: request.scheduler,
    seed: request.seed ?? randomInt(0, MAX_SEED),
    strength: request.strength,
    batchCount: request.batchCount,
    ...(hires ? { hires } : {}),
    ...(request.initImage ? { initImage: request.initImage } : {}),
    ...(request.mask ? { mask: request.mask } : {}),
  };
}

/** The schedulers the loaded denoise node offers (none when the diffusion pack is not loaded). */
function schedulerNames(registry: NodeRegistry): readonly string[] {
  const found = registry.lookup('diffusion.denoise_latents');
  return found.ok ? (found.definition.inputs['scheduler']?.options ?? []) : [];
}
