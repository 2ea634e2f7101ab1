import { defineNode, field, NodeError, type Tensor } from '@pinksea/node-sdk';
import { checkOutputSize, IMAGE_OUTPUTS, writeImage } from '@pinksea/nodes-image/image-io';
import { describeShape } from './onnx-tensors';

const RANGES = ['unit', 'signed', 'byte'] as const;
type Range = (typeof RANGES)[number];

export default defineNode({
  type: 'onnx.image_from_tensor',
  title: 'Tensor to Image',
  description:
    "Turns a model's tensor into an image: [1, C, H, W], [C, H, W] or [H, W], with 1 channel (greyscale), 3 (RGB) or 4 (RGBA). Values outside the range are clipped.",
  category: 'model',
  tags: ['onnx', 'tensor', 'image', 'postprocess', 'nchw', 'mask'],
  version: '1.0.0',
  inputs: {
    tensor: field.tensor({ title: 'Tensor', description: 'A float32 or uint8 tensor' }),
    range: field.enum(RANGES, {
      title: 'Value range',
      description: 'Which values are black and white',
      default: 'unit',
      ui: { order: 1, choiceLabels: { unit: '0 to 1', signed: '−1 to 1', byte: '0 to 255' } },
    }),
  },
  outputs: IMAGE_OUTPUTS,
  async invoke({ tensor: ref, range }, ctx) {
    const tensor = await ctx.tensors.get(ref);
    const { channels, height, width } = layoutOf(tensor);
    checkOutputSize(width, height, 'tensor');
    const plane = width * height;
    const pixels = Buffer.alloc(plane * channels);
    for (let channel = 0; channel < channels; channel += 1) {
      for (let pixel = 0; pixel < plane; pixel += 1) {
        pixels[pixel * channels + channel] = toByte(Number(tensor.data[channel * plane + pixel]), range);
      }
    }
    return writeImage(ctx, { data: pixels, width, height, channels });
  },
});

function layoutOf(tensor: Tensor): { channels: number; height: number; width: number } {
  const dims = tensor.dims;
  const fail = (why: string) =>
    new NodeError('unsupported_tensor', `The tensor is ${tensor.dtype} ${describeShape(dims)}; ${why}.`, { field: 'tensor' });
  if (tensor.dtype !== 'float32' && tensor.dtype !== 'uint8') throw fail('float32 and uint8 tensors can be turned into images');
  const [channels, height, width] =
    dims.length === 2 ? [1, dims[0]!, dims[1]!]
    : dims.length === 3 ? [dims[0]!, dims[1]!, dims[2]!]
    : dims.length === 4 && dims[0] === 1 ? [dims[1]!, dims[2]!, dims[3]!]
    : [0, 0, 0];
  if (channels === 0) throw fail('the shape must be [1, C, H, W], [C, H, W] or [H, W]');
  if (![1, 3, 4].includes(channels)) throw fail(`it has ${channels} channels, and images have 1, 3 or 4`);
  return { channels, height, width };
}

function toByte(value: number, range: Range): number {
  const unit = range === 'byte' ? value / 255 : range === 'signed' ? (value + 1) / 2 : value;
  return Math.round(Math.min(1, Math.max(0, Number.isNaN(unit) ? 0 : unit)) * 255);
}
