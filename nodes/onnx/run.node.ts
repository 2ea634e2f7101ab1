import { defineNode, field, output, type Tensor, type TensorRef } from '@pinksea/node-sdk';
import { throwIfCanceled } from '@pinksea/nodes-image/image-io';
import type * as ort from 'onnxruntime-node';
import { loadSession } from './onnx-session';
import { checkFeeds, fromOrtTensor, tensorRefs, toOrtTensor } from './onnx-tensors';

export default defineNode({
  type: 'onnx.run',
  title: 'Run ONNX Model',
  description:
    "Runs an ONNX model on named tensors and returns its outputs by name. The tensors are checked against the model's inputs (names, element types and shapes) before it runs.",
  category: 'model',
  tags: ['onnx', 'model', 'inference', 'tensor', 'neural network'],
  version: '1.0.0',
  needs: { gpu: true, models: ['onnx'] },
  inputs: {
    model: field.model({ title: 'Model', description: 'The ONNX model to run', ui: { widget: 'model' } }),
    inputs: field.any({
      title: 'Inputs',
      description: "The model's inputs: a record of input name to tensor, one for every input the model declares; or one tensor for a model with one input",
      default: {},
      ui: { order: 1 },
    }),
  },
  outputs: {
    outputs: output.any({ title: 'Outputs', description: "The model's outputs: a record of output name to tensor" }),
    output: output.tensor({ title: 'First output', description: "The model's first output, to connect onwards" }),
  },
  async invoke({ model, inputs }, ctx) {
    const { session } = await loadSession(ctx, model, 'model');
    const refs = tensorRefs(inputs, 'inputs', session.inputNames);
    const tensors: Record<string, Tensor> = {};
    for (const [name, ref] of Object.entries(refs)) tensors[name] = await ctx.tensors.get(ref);
    checkFeeds(session.inputMetadata, tensors, 'inputs');
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, tensor] of Object.entries(tensors)) feeds[name] = toOrtTensor(tensor);
    throwIfCanceled(ctx);
    const results = await session.run(feeds);
    throwIfCanceled(ctx);
    const outputs: Record<string, TensorRef> = {};
    for (const name of session.outputNames) outputs[name] = await ctx.tensors.save(fromOrtTensor(results[name]!, name));
    return { outputs, output: outputs[session.outputNames[0]!]! };
  },
});
