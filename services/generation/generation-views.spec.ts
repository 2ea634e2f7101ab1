/**
 * The studio's view of the generate request (generation-views.ts, types only) against the
 * action's rules, the one source of its validation, handler type and OpenAPI entry: a request
 * the studio's type describes must be one the rules accept, in type and at run time.
 */
import { Validators } from 'moleculer';
import { GENERATE_PARAMS, type GenerateCall } from './generation.service';
import type { GenerateBody, GenerateRequest } from './generation-views';

/** Compiles only when `Check` is `true`. */
function assertType<Check extends true>(): Check | undefined {
  return undefined;
}

describe('the generate request the studio sends', () => {
  it('is one the generate action\'s rules accept', () => {
    assertType<GenerateRequest extends GenerateCall ? true : false>();
    const body: GenerateBody = { prompt: 'a lighthouse', model: 'sd15', width: 512, seed: 7, initImage: 'init', hiresScale: 2 };
    const request: GenerateRequest = { ...body, queueId: 'default', negativePrompt: '', steps: 20, cfgScale: 7.5, scheduler: 'euler', strength: 0.75, batchCount: 1, hiresStrength: 0.45 };
    const check = new Validators.Fastest().compile(GENERATE_PARAMS);
    expect(check({ ...body, queueId: 'default' })).toBeTrue();
    expect(check({ ...request })).toBeTrue();
  });
});
