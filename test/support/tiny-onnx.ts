/**
 * Tiny but valid ONNX models for specs, written by the ONNX writer: a graph that passes its first
 * input through Identity nodes, with the inputs and outputs a spec needs the probe to see.
 *
 *   await writeFile(file, tinyOnnx({ inputs: [{ name: 'x', type: 'float32', shape: [1, 3, 'h', 'w'] }],
 *                                    outputs: [{ name: 'y', type: 'float32', shape: [1, 3, 'h', 'w'] }] }));
 */

import type { OnnxTensorInfo } from '../../services/models/onnx-probe';
import { writeOnnxModel } from '../../nodes/diffusion';

export type TinyElementType = 'float32' | 'float16' | 'int32' | 'int64';

/** As the probe reports a tensor, limited to the element types this encoder writes. */
export interface TinyTensor extends OnnxTensorInfo {
  readonly type: TinyElementType;
}

export interface TinyModel {
  readonly inputs: readonly TinyTensor[];
  /** Each output is Identity of the first input, so they should share its shape. */
  readonly outputs: readonly TinyTensor[];
}

/** An ONNX model (IR 8, opset 17) with the given graph inputs and outputs, each output Identity of the first input. */
export function tinyOnnx(model: TinyModel): Buffer {
  const source = model.inputs[0]!.name;
  return writeOnnxModel({
    inputs: model.inputs,
    outputs: model.outputs,
    nodes: model.outputs.map((output, index) => ({ opType: 'Identity', inputs: [source], outputs: [output.name], name: `identity_${index}` })),
    graphName: 'tiny',
    producerName: 'pinksea-spec',
  });
}

/** The three ONNX files of a Stable Diffusion UNet's inputs with the given text hidden size (768 SD1, 1024 SD2, 2048 SDXL). */
export function tinyUnet(hiddenSize: number): Buffer {
  return tinyOnnx({
    inputs: [
      { name: 'sample', type: 'float32', shape: ['batch', 4, 'height', 'width'] },
      { name: 'timestep', type: 'int64', shape: [1] },
      { name: 'encoder_hidden_states', type: 'float32', shape: ['batch', 77, hiddenSize] },
    ],
    outputs: [{ name: 'out_sample', type: 'float32', shape: ['batch', 4, 'height', 'width'] }],
  });
}
