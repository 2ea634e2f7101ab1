import type { SchedulerName } from '../../../nodes/diffusion/src/schedulers/scheduler-names';
import type { GenerateBody } from '../core/api-types';

/** Keyed by the diffusion pack's own type, so a sampler it adds or drops fails to compile here. */
const OFFERED: Readonly<Record<SchedulerName, true>> = { ddim: true, euler: true, euler_a: true, dpmpp_2m: true, dpmpp_2m_karras: true };

/** The samplers the form offers: the diffusion pack's (its denoise node's `scheduler` options). */
export const SCHEDULERS: readonly SchedulerName[] = Object.keys(OFFERED) as SchedulerName[];

/**
 * What the Generate form edits; `seed` is used only while `seedLocked`, `strength` only with an
 * init image, `hiresScale` and `hiresStrength` only while `hiresFix`.
 */
export interface GenerationParams {
  model: string;
  prompt: string;
  negativePrompt: string;
  width: number;
  height: number;
  steps: number;
  cfgScale: number;
  scheduler: SchedulerName;
  seed: number;
  seedLocked: boolean;
  batchCount: number;
  strength: number;
  hiresFix: boolean;
  hiresScale: HiresScale;
  hiresStrength: number;
}

export const HIRES_SCALES = [1.5, 2] as const;
export type HiresScale = (typeof HIRES_SCALES)[number];

/** The picture to start from (image to image), and for inpainting the uploaded mask. */
export interface InitSource {
  readonly initImage: string;
  readonly mask?: string;
}

/** Where a field's problem is shown: the form's fields plus the init image and mask pickers. */
export type ParamProblems = Partial<Record<keyof GenerationParams | 'initImage' | 'mask', string>>;

export const MAX_SEED = 4_294_967_295;

export const DEFAULT_PARAMS: GenerationParams = {
  model: '',
  prompt: '',
  negativePrompt: '',
  width: 512,
  height: 512,
  steps: 20,
  cfgScale: 7.5,
  scheduler: 'euler',
  seed: 0,
  seedLocked: false,
  batchCount: 1,
  strength: 0.75,
  hiresFix: false,
  hiresScale: 1.5,
  hiresStrength: 0.45,
};

/** Problems a person can fix, by field, before the request goes out. */
export function validateParams(params: GenerationParams, withInitImage = false): ParamProblems {
  const problems: ParamProblems = {};
  if (!params.model) problems.model = 'Choose a model.';
  // With an init image the server takes its size; the width and height fields are not sent.
  for (const side of withInitImage ? [] : (['width', 'height'] as const)) {
    const value = params[side];
    if (!Number.isInteger(value) || value < 64 || value > 2048) problems[side] = `The ${side} must be between 64 and 2048.`;
    else if (value % 8 !== 0) problems[side] = `The ${side} must be a multiple of 8 (try ${roundToEight(value)}).`;
  }
  if (!Number.isInteger(params.steps) || params.steps < 1 || params.steps > 200) problems.steps = 'Steps must be 1 to 200.';
  if (!(params.cfgScale >= 1 && params.cfgScale <= 50)) problems.cfgScale = 'CFG scale must be 1 to 50.';
  if (!Number.isInteger(params.batchCount) || params.batchCount < 1 || params.batchCount > 100) problems.batchCount = 'Batch count must be 1 to 100.';
  if (params.seedLocked && (!Number.isInteger(params.seed) || params.seed < 0 || params.seed > MAX_SEED)) problems.seed = `The seed must be 0 to ${MAX_SEED}.`;
  if (withInitImage && !(params.strength >= 0 && params.strength <= 1)) problems.strength = 'Strength must be 0 to 1.';
  if (params.hiresFix && !(params.hiresStrength >= 0 && params.hiresStrength <= 1)) problems.hiresStrength = 'The high-res strength must be 0 to 1.';
  return problems;
}

export function roundToEight(value: number): number {
  return Math.max(64, Math.round(value / 8) * 8);
}

/**
 * The body of POST /queue/:id/generate; without a locked seed the server picks one per image. With
 * an init image the width and height are left out (the server takes the image's) and the strength
 * and mask go along.
 */
export function toRequest(params: GenerationParams, source?: InitSource): GenerateBody {
  return {
    model: params.model,
    prompt: params.prompt,
    negativePrompt: params.negativePrompt,
    ...(source ? { initImage: source.initImage, strength: params.strength, ...(source.mask ? { mask: source.mask } : {}) } : { width: params.width, height: params.height }),
    steps: params.steps,
    cfgScale: params.cfgScale,
    scheduler: params.scheduler,
    batchCount: params.batchCount,
    ...(params.seedLocked ? { seed: params.seed } : {}),
    ...(params.hiresFix ? { hiresScale: params.hiresScale, hiresStrength: params.hiresStrength } : {}),
  };
}

/**
 * "Use these parameters": the Generate form's fields from an image's embedded metadata (see
 * services/generation/generation-graph.ts, `generationMetadata`). Only well-typed values are taken;
 * a recorded seed is locked so the image can be made again.
 */
export function paramsFromMetadata(metadata: Readonly<Record<string, unknown>> | null): Partial<GenerationParams> {
  if (!metadata) return {};
  const params: Partial<GenerationParams> = {};
  const text = (key: 'prompt' | 'negativePrompt' | 'model') => {
    const value = metadata[key];
    if (typeof value === 'string' && (key !== 'model' || value)) params[key] = value;
  };
  const number = (key: 'width' | 'height' | 'steps' | 'cfgScale' | 'strength') => {
    const value = metadata[key];
    if (typeof value === 'number' && Number.isFinite(value)) params[key] = value;
  };
  text('prompt');
  text('negativePrompt');
  text('model');
  number('width');
  number('height');
  number('steps');
  number('cfgScale');
  number('strength');
  const scheduler = metadata['scheduler'];
  if (typeof scheduler === 'string' && (SCHEDULERS as readonly string[]).includes(scheduler)) params.scheduler = scheduler as SchedulerName;
  const seed = metadata['seed'];
  if (typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED) {
    params.seed = seed;
    params.seedLocked = true;
  }
  const hires = metadata['hires'];
  if (isRecord(hires) && typeof hires['scale'] === 'number') {
    params.hiresFix = true;
    params.hiresScale = hires['scale'] >= 1.75 ? 2 : 1.5;
    if (typeof hires['strength'] === 'number') params.hiresStrength = hires['strength'];
  }
  return params;
}

export function randomSeed(random: () => number = Math.random): number {
  return Math.floor(random() * (MAX_SEED + 1));
}

/**
 * The saved images of a finished item: its results are `{ outputs: { <node id>: [{ image: {
 * imageName } }, …] } }`; the `save` node's when there is one, else every leaf's.
 */
export function savedImageNames(results: unknown): string[] {
  const outputs = isRecord(results) ? results['outputs'] : undefined;
  if (!isRecord(outputs)) return [];
  const nodeIds = 'save' in outputs ? ['save'] : Object.keys(outputs);
  const names: string[] = [];
  for (const nodeId of nodeIds) {
    const entries = outputs[nodeId];
    for (const entry of Array.isArray(entries) ? entries : [entries]) {
      const image = isRecord(entry) ? entry['image'] : undefined;
      if (isRecord(image) && typeof image['imageName'] === 'string') names.push(image['imageName']);
    }
  }
  return names;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
