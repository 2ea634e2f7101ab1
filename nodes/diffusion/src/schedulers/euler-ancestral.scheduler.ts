/**
 * Euler ancestral (diffusers EulerAncestralDiscreteScheduler): an Euler step down to sigma_down,
 * then fresh noise of sigma_up, so that sigma_down^2 + sigma_up^2 = the next sigma^2. Not
 * deterministic without the caller's seeded noise() source.
 */
import type { DenoiseRange } from './schedule';
import type { SchedulerConfig } from './scheduler-config';
import { checkSameLength } from './scheduler';
import { EulerFamilyScheduler, eulerPredictX0, eulerSchedule } from './euler.scheduler';

export class EulerAncestralScheduler extends EulerFamilyScheduler {
  readonly name = 'euler_a' as const;

  constructor(config: SchedulerConfig, steps: number, range?: DenoiseRange) {
    super(config, eulerSchedule(config, steps, false), range);
  }

  step(modelOutput: Float32Array, stepIndex: number, sample: Float32Array, noise?: () => Float32Array): Float32Array {
    const fullIndex = this.checkStepIndex(stepIndex);
    checkSameLength(sample, modelOutput, 'modelOutput');
    const sigmaFrom = this.fullSigmas[fullIndex]!;
    const sigmaTo = this.fullSigmas[fullIndex + 1]!;
    const sigmaUp = Math.sqrt((sigmaTo * sigmaTo * (sigmaFrom * sigmaFrom - sigmaTo * sigmaTo)) / (sigmaFrom * sigmaFrom));
    const sigmaDown = Math.sqrt(Math.max(0, sigmaTo * sigmaTo - sigmaUp * sigmaUp));
    const dt = sigmaDown - sigmaFrom;
    let fresh: Float32Array | undefined;
    if (sigmaUp > 0) {
      if (!noise) throw new TypeError('Euler ancestral needs a noise() source for every step but the last');
      fresh = noise();
      checkSameLength(sample, fresh, 'noise()');
    }
    const prediction = this.config.predictionType;
    const out = new Float32Array(sample.length);
    for (let i = 0; i < out.length; i += 1) {
      const x = sample[i]!;
      const derivative = (x - eulerPredictX0(prediction, modelOutput[i]!, x, sigmaFrom)) / sigmaFrom;
      out[i] = x + derivative * dt + (fresh ? fresh[i]! * sigmaUp : 0);
    }
    return out;
  }
}
