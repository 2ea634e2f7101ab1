import { defineNode, field, NodeError, output } from '@pinksea/node-sdk';
import { checkOutputSize, fromPixels, MAX_IMAGE_SIDE, readImage, toPixels } from '@pinksea/nodes-image/image-io';

const ORDERS = ['rgb', 'bgr'] as const;

export default defineNode({
  type: 'onnx.tensor_from_image',
  title: 'Image to Tensor',
  description:
    'Turns an image into a float32 tensor of shape [1, 3, height, width] (NCHW), as vision models take it: optionally resized, each channel scaled to 0..1, then normalised as (value − mean) / std.',
  category: 'model',
  tags: ['onnx', 'tensor', 'image', 'preprocess', 'normalize', 'nchw'],
  version: '1.0.0',
  inputs: {
    image: field.image({ title: 'Image', description: 'The image to convert' }),
    width: field.integer({ title: 'Width', description: 'Resize to this width first; 0 keeps the width', default: 0, minimum: 0, maximum: MAX_IMAGE_SIDE, ui: { order: 1 } }),
    height: field.integer({ title: 'Height', description: 'Resize to this height first; 0 keeps the height', default: 0, minimum: 0, maximum: MAX_IMAGE_SIDE, ui: { order: 2 } }),
    mean: field.list(field.float(), { title: 'Mean', description: 'Subtracted from each channel (after scaling to 0..1), in channel order', default: [0, 0, 0], minItems: 3, maxItems: 3, ui: { order: 3 } }),
    std: field.list(field.float({ exclusiveMinimum: 0 }), { title: 'Std', description: 'Each channel is divided by this, in channel order', default: [1, 1, 1], minItems: 3, maxItems: 3, ui: { order: 4 } }),
    channelOrder: field.enum(ORDERS, { title: 'Channel order', description: 'RGB, or BGR as models trained with OpenCV expect', default: 'rgb', ui: { order: 5, choiceLabels: { rgb: 'RGB', bgr: 'BGR' } } }),
  },
  outputs: {
    tensor: output.tensor({ title: 'Tensor', description: 'The image as a float32 [1, 3, height, width] tensor' }),
    width: output.integer({ title: 'Width', description: 'Width of the tensor, in pixels' }),
    height: output.integer({ title: 'Height', description: 'Height of the tensor, in pixels' }),
  },
  async invoke({ image, width, height, mean, std, channelOrder }, ctx) {
    checkTriple(mean, 'mean');
    checkTriple(std, 'std');
    if (std.some((value) => value <= 0)) throw new NodeError('invalid_std', 'Every "std" value must be above 0.', { field: 'std' });
    const source = await readImage(ctx, image, 'image', { layout: 'rgba' });
    const targetWidth = width || source.width;
    const targetHeight = height || source.height;
    checkOutputSize(targetWidth, targetHeight, { width: 'width', height: 'height' });
    const resized =
      targetWidth === source.width && targetHeight === source.height ? source
      : await toPixels(fromPixels(source).resize(targetWidth, targetHeight, { fit: 'fill' }));
    const plane = targetWidth * targetHeight;
    const data = new Float32Array(3 * plane);
    const sourceChannel = channelOrder === 'bgr' ? [2, 1, 0] : [0, 1, 2];
    for (let channel = 0; channel < 3; channel += 1) {
      const from = sourceChannel[channel]!;
      const offset = channel * plane;
      for (let pixel = 0; pixel < plane; pixel += 1) {
        data[offset + pixel] = (resized.data[pixel * resized.channels + from]! / 255 - mean[channel]!) / std[channel]!;
      }
    }
    const tensor = await ctx.tensors.save({ dtype: 'float32', dims: [1, 3, targetHeight, targetWidth], data });
    return { tensor, width: targetWidth, height: targetHeight };
  },
});

function checkTriple(values: readonly number[], field: string): void {
  if (values.length !== 3 || values.some((value) => !Number.isFinite(value))) {
    throw new NodeError('invalid_normalization', `"${field}" needs three numbers, one per channel; got [${values.join(', ')}].`, { field });
  }
}
