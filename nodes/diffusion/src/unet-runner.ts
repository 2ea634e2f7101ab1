/**
 * One classifier-free-guided UNet evaluation per step, fitted to how the model was exported: the
 * timestep's element type (int64, int32 or float32) and shape (scalar, [1] or [batch]) come from
 * the session's input metadata, and the negative and positive prompts go through in one batch of
 * two when the model takes batches and the prompts are equally long, else in two calls.
 */
import { NodeError } from '@pinksea/node-sdk';
import * as ort from 'onnxruntime-node';
import { inputShape, inputType } from './sd-model';

/** Prompt states [1, sequence, hidden], as a conditioning holds them. */
export interface TextStates {
  readonly data: Float32Array;
  readonly sequence: number;
  readonly hidden: number;
}

type TimestepType = 'int64' | 'int32' | 'float32';

export class UnetRunner {
  private readonly sampleName: string;
  private readonly timestepName: string;
  private readonly statesName: string;
  private readonly outputName: string;
  private readonly timestepType: TimestepType;
  /** 'scalar', 'one' ([1] whatever the batch) or 'batch' (one value per sample). */
  private readonly timestepLayout: 'scalar' | 'one' | 'batch';
  /** False where the export fixed the batch at 1. */
  private readonly batches: boolean;
  /** The last prompts' states as an ONNX tensor: the same every step, so built once. */
  private statesCache: { prompts: readonly TextStates[]; tensor: ort.Tensor } | undefined;

  constructor(
    private readonly session: ort.InferenceSession,
    private readonly field: string,
  ) {
    const names = session.inputNames;
    this.sampleName = names.includes('sample') ? 'sample' : names[0]!;
    this.timestepName = names.includes('timestep') ? 'timestep' : names[1]!;
    this.statesName = names.includes('encoder_hidden_states') ? 'encoder_hidden_states' : names[2]!;
    if (names.length < 3 || new Set([this.sampleName, this.timestepName, this.statesName]).size !== 3) {
      this.fail(`it should take sample, timestep and encoder_hidden_states but takes ${names.join(', ')}`);
    }
    this.outputName = session.outputNames.includes('out_sample') ? 'out_sample' : session.outputNames[0]!;
    const type = inputType(session, this.timestepName) ?? 'int64';
    if (type !== 'int64' && type !== 'int32' && type !== 'float32') this.fail(`its timestep is ${type}; int64, int32 and float32 are supported`);
    this.timestepType = type;
    for (const name of [this.sampleName, this.statesName]) {
      const dtype = inputType(session, name);
      if (dtype !== undefined && dtype !== 'float32') this.fail(`its input "${name}" is ${dtype}; float32 models are supported`);
    }
    const shape = inputShape(session, this.timestepName);
    this.timestepLayout = shape === undefined ? 'one' : shape.length === 0 ? 'scalar' : shape[0] === 1 ? 'one' : 'batch';
    const sampleBatch = inputShape(session, this.sampleName)?.[0];
    this.batches = typeof sampleBatch !== 'number' || sampleBatch > 1;
  }

  /**
   * The guided noise prediction for `sample` [1, c, h, w] at `timestep`:
   * negative + cfgScale · (positive − negative); with cfgScale 1 only the positive prompt runs.
   */
  async predict(sample: Float32Array, dims: readonly number[], timestep: number, positive: TextStates, negative: TextStates, cfgScale: number): Promise<Float32Array> {
    if (cfgScale === 1) return this.run(sample, dims, timestep, [positive]);
    let uncond: Float32Array;
    let cond: Float32Array;
    if (this.batches && positive.sequence === negative.sequence && positive.hidden === negative.hidden) {
      const both = await this.run(sample, dims, timestep, [negative, positive]);
      uncond = both.subarray(0, sample.length);
      cond = both.subarray(sample.length);
    } else {
      uncond = await this.run(sample, dims, timestep, [negative]);
      cond = await this.run(sample, dims, timestep, [positive]);
    }
    const out = new Float32Array(sample.length);
    for (let i = 0; i < out.length; i += 1) out[i] = uncond[i]! + cfgScale * (cond[i]! - uncond[i]!);
    return out;
  }

  /** One session.run over a batch of one sample per prompt; the outputs back to back. */
  private async run(sample: Float32Array, dims: readonly number[], timestep: number, prompts: readonly TextStates[]): Promise<Float32Array> {
    const batch = prompts.length;
    const samples = new Float32Array(sample.length * batch);
    for (let b = 0; b < batch; b += 1) samples.set(sample, b * sample.length);
    const feeds = {
      [this.sampleName]: new ort.Tensor('float32', samples, [batch, ...dims.slice(1)]),
      [this.timestepName]: this.timestepTensor(timestep, batch),
      [this.statesName]: this.statesTensor(prompts),
    };
    let result: ort.OnnxValue | undefined;
    try {
      result = (await this.session.run(feeds))[this.outputName];
    } catch (error) {
      this.fail(`running it failed: ${error instanceof Error ? error.message : String(error)}`, 'internal');
    }
    if (!(result instanceof ort.Tensor) || result.type !== 'float32' || result.data.length !== samples.length) {
      this.fail(`its output "${this.outputName}" does not match the sample's shape [${batch}, ${dims.slice(1).join(', ')}]`);
    }
    return (result as ort.Tensor).data as Float32Array;
  }

  private statesTensor(prompts: readonly TextStates[]): ort.Tensor {
    const cached = this.statesCache;
    if (cached && cached.prompts.length === prompts.length && cached.prompts.every((prompt, i) => prompt === prompts[i])) return cached.tensor;
    const { hidden, sequence } = prompts[0]!;
    const states = new Float32Array(prompts.length * sequence * hidden);
    prompts.forEach((prompt, b) => states.set(prompt.data, b * sequence * hidden));
    const tensor = new ort.Tensor('float32', states, [prompts.length, sequence, hidden]);
    this.statesCache = { prompts, tensor };
    return tensor;
  }

  private timestepTensor(timestep: number, batch: number): ort.Tensor {
    const count = this.timestepLayout === 'batch' ? batch : 1;
    const dims = this.timestepLayout === 'scalar' ? [] : [count];
    switch (this.timestepType) {
      case 'float32':
        return new ort.Tensor('float32', new Float32Array(count).fill(timestep), dims);
      case 'int32':
        return new ort.Tensor('int32', new Int32Array(count).fill(Math.round(timestep)), dims);
      case 'int64':
        return new ort.Tensor('int64', new BigInt64Array(count).fill(BigInt(Math.round(timestep))), dims);
    }
  }

  private fail(why: string, kind: 'user' | 'internal' = 'user'): never {
    throw new NodeError('unsupported_model', `The UNet cannot be used: ${why}.`, { field: this.field, kind });
  }
}
