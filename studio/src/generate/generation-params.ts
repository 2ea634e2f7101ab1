import type { GenerateRequest, Scheduler } from '../core/api-types';

/** What the Generate form edits; `seed` is used only while `seedLocked`. */
export interface GenerationParams {
  model: string;
  prompt: string;
  negativePrompt: string;
  width: number;
  height: number;
  steps: number;
  cfgScale: number;
  scheduler: Scheduler;
  seed: number;
  seedLocked: boolean;
  batchCount: number;
}

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
};

/** Problems a person can fix, by field, before the request goes out. */
export function validateParams(params: GenerationParams): Partial<Record<keyof GenerationParams, string>> {
  const problems: Partial<Record<keyof GenerationParams, string>> = {};
  if (!params.model) problems.model = 'Choose a model.';
  for (const side of ['width', 'height'] as const) {
    const value = params[side];
    if (!Number.isInteger(value) || value < 64 || value > 2048) problems[side] = `The ${side} must be between 64 and 2048.`;
    else if (value % 8 !== 0) problems[side] = `The ${side} must be a multiple of 8 (try ${roundToEight(value)}).`;
  }
  if (!Number.isInteger(params.steps) || params.steps < 1 || params.steps > 200) problems.steps = 'Steps must be 1 to 200.';
  if (!(params.cfgScale >= 1 && params.cfgScale <= 50)) problems.cfgScale = 'CFG scale must be 1 to 50.';
  if (!Number.isInteger(params.batchCount) || params.batchCount < 1 || params.batchCount > 100) problems.batchCount = 'Batch count must be 1 to 100.';
  if (params.seedLocked && (!Number.isInteger(params.seed) || params.seed < 0 || params.seed > MAX_SEED)) problems.seed = `The seed must be 0 to ${MAX_SEED}.`;
  return problems;
}

export function roundToEight(value: number): number {
  return Math.max(64, Math.round(value / 8) * 8);
}

/** The body of POST /queue/:id/generate; without a locked seed the server picks one per image. */
export function toRequest(params: GenerationParams): GenerateRequest {
  return {
    model: params.model,
    prompt: params.prompt,
    negativePrompt: params.negativePrompt,
    width: params.width,
    height: params.height,
    steps: params.steps,
    cfgScale: params.cfgScale,
    scheduler: params.scheduler,
    batchCount: params.batchCount,
    ...(params.seedLocked ? { seed: params.seed } : {}),
  };
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
