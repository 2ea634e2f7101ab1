/**
 * Seeded Gaussian noise for the diffusion loop, the same bits on every machine: integer-only
 * PRNG state (mulberry32, the SDK's SeededRandom) and Box-Muller with Math.log, Math.sqrt,
 * Math.cos and Math.sin, which V8 implements as ports of fdlibm (sqrt is exact in IEEE 754), so
 * no platform libm is involved. Never change the sequence for a seed: saved workflows replay it.
 * It does not reproduce torch.randn's numbers; no pure-JS generator does.
 */
import { NodeError, SeededRandom } from '@pinksea/node-sdk';

const TWO_PI = 2 * Math.PI;

/** Fills `out` with standard normal values drawn from `random`, two per pair of uniforms. */
function fillGaussian(random: SeededRandom, out: Float32Array): Float32Array {
  for (let i = 0; i < out.length; i += 2) {
    // 1 - u is in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - random.nextFloat()));
    const angle = TWO_PI * random.nextFloat();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < out.length) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) {
    if (!Number.isInteger(dim) || dim < 0) {
      throw new NodeError('invalid_noise_shape', `A noise shape needs whole numbers of at least 0; got [${shape.join(', ')}].`, { field: 'shape' });
    }
    count *= dim;
  }
  return count;
}

function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new NodeError('invalid_seed', `The seed must be a whole number of at least 0; got ${seed}.`, { field: 'seed' });
  }
}

/** Standard normal noise for a tensor of `shape` (row-major), the same for one seed everywhere. */
export function gaussianNoise(seed: number, shape: readonly number[]): Float32Array {
  checkSeed(seed);
  return fillGaussian(new SeededRandom(seed), new Float32Array(elementCount(shape)));
}

/**
 * A stream of noise tensors from one seed, for ancestral samplers that draw fresh noise every
 * step: each call returns the next tensor. Starts where gaussianNoise(seed, shape) would, so the
 * first tensor equals it.
 */
export function gaussianNoiseSource(seed: number, shape: readonly number[]): () => Float32Array {
  checkSeed(seed);
  const count = elementCount(shape);
  const random = new SeededRandom(seed);
  return () => fillGaussian(random, new Float32Array(count));
}
