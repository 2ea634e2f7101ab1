import type { TensorRef } from '@pinksea/node-sdk';
import { createTestContext, expectNodeError, invokeNode } from '@pinksea/node-sdk/testing';
import sharp from 'sharp';
import { ocrHost, renderText, storeRendered } from '../ocr/ocr-testing';
import imageFromTensor from './image-from-tensor.node';
import run from './run.node';
import tensorFromImage from './tensor-from-image.node';

/** The packaged OCR detection model stands in for any ONNX model: x [N, 3, H, W] → [N, 1, H, W]. */
const MODEL = { key: 'ocr-det' };

describe('onnx.run', () => {
  const host = ocrHost([{ info: { key: 'sd', name: 'sd15', base: 'sd-1', type: 'main', format: 'diffusers', sizeBytes: 0 }, load: async () => ({}) }]);
  const ctx = () => createTestContext({ host }).ctx;
  const tensor = (dims: number[], dtype: 'float32' | 'int32' = 'float32') =>
    host.tensors.save(dtype === 'float32' ? { dtype, dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) } : { dtype, dims, data: new Int32Array(dims.reduce((a, b) => a * b, 1)) });

  it('runs a real model on named tensors and stores its outputs by name', async () => {
    const x = await tensor([1, 3, 64, 96]);
    const { outputs } = await invokeNode(run, { model: MODEL, inputs: { x } }, ctx());
    const refs = outputs as Record<string, TensorRef>;
    expect(Object.keys(refs)).toEqual(['sigmoid_0.tmp_0']);
    const result = await host.tensors.get(refs['sigmoid_0.tmp_0']!);
    expect([result.dtype, result.dims]).toEqual(['float32', [1, 1, 64, 96]]);
    expect([...(result.data as Float32Array)].every((p) => p >= 0 && p <= 1)).toBe(true);
  });

  it('finds text with the image and tensor helpers around it', async () => {
    const image = await storeRendered(host, renderText('HELLO', { width: 320, height: 96 }));
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const { tensor: x } = await invokeNode(tensorFromImage, { image, mean, std, channelOrder: 'bgr' }, ctx());
    expect((await host.tensors.get(x)).dims).toEqual([1, 3, 96, 320]);
    const { outputs } = await invokeNode(run, { model: MODEL, inputs: { x } }, ctx());
    const map = await invokeNode(imageFromTensor, { tensor: (outputs as Record<string, TensorRef>)['sigmoid_0.tmp_0']! }, ctx());
    expect([map.width, map.height]).toEqual([320, 96]);
    const { data } = await sharp(host.images.images.get(map.image.imageName)!.data).greyscale().raw().toBuffer({ resolveWithObject: true });
    expect(data[48 * 320 + 160]).toBeGreaterThan(200); // the middle of the word
    expect(data[2 * 320 + 2]).toBeLessThan(50); // the white corner
  });

  it('refuses a tensor of the wrong shape before running, saying expected and got', async () => {
    const x = await tensor([1, 4, 64, 64]);
    await expectNodeError(() => invokeNode(run, { model: MODEL, inputs: { x } }, ctx()), 'tensor_mismatch', 'inputs');
    await invokeNode(run, { model: MODEL, inputs: { x } }, ctx()).catch((error: Error) => {
      expect(error.message).toContain('"x" expects float32 [p2o.DynamicDimension.0, 3, p2o.DynamicDimension.1, p2o.DynamicDimension.2], got float32 [1, 4, 64, 64]');
    });
  });

  it('refuses the wrong rank and the wrong element type', async () => {
    await expectNodeError(async () => invokeNode(run, { model: MODEL, inputs: { x: await tensor([3, 64, 64]) } }, ctx()), 'tensor_mismatch', 'inputs');
    await expectNodeError(async () => invokeNode(run, { model: MODEL, inputs: { x: await tensor([1, 3, 64, 64], 'int32') } }, ctx()), 'tensor_mismatch', 'inputs');
  });

  it('refuses unknown and missing input names', async () => {
    const x = await tensor([1, 3, 32, 32]);
    await expectNodeError(() => invokeNode(run, { model: MODEL, inputs: { x, image: x } }, ctx()), 'unknown_model_input', 'inputs');
    await expectNodeError(() => invokeNode(run, { model: MODEL, inputs: {} }, ctx()), 'missing_model_input', 'inputs');
    await expectNodeError(() => invokeNode(run, { model: MODEL, inputs: { x: 'nope' } }, ctx()), 'invalid_inputs', 'inputs');
  });

  it('refuses a model that is not ONNX, and one that does not exist', async () => {
    const x = await tensor([1, 3, 32, 32]);
    await expectNodeError(() => invokeNode(run, { model: { key: 'sd' }, inputs: { x } }, ctx()), 'wrong_model_format', 'model');
    await expectNodeError(() => invokeNode(run, { model: { key: 'gone' }, inputs: { x } }, ctx()), 'model_not_found', 'model');
  });
});

describe('onnx.image_from_tensor', () => {
  it('refuses a tensor that is not an image layout', async () => {
    const { ctx, host } = createTestContext();
    const tensor = await host.tensors.save({ dtype: 'float32', dims: [1, 2, 4, 4], data: new Float32Array(32) });
    await expectNodeError(() => invokeNode(imageFromTensor, { tensor }, ctx), 'unsupported_tensor', 'tensor');
  });
});
