import { defineNode, field } from '@pinksea/node-sdk';
import { checkSameSize, IMAGE_OUTPUTS, readImage, writeImage } from './image-io';

const OPERATIONS = ['multiply', 'add', 'subtract', 'min', 'max'] as const;
type Operation = (typeof OPERATIONS)[number];

/** Each operation on two 0..255 levels. */
const COMBINE: Readonly<Record<Operation, (a: number, b: number) => number>> = {
  multiply: (a, b) => Math.round((a * b) / 255),
  add: (a, b) => Math.min(255, a + b),
  subtract: (a, b) => Math.max(0, a - b),
  min: (a, b) => Math.min(a, b),
  max: (a, b) => Math.max(a, b),
};

export default defineNode({
  type: 'image.mask_combine',
  title: 'Combine Masks',
  description:
    'Combines two masks of the same size pixel by pixel. Minimum keeps only what both cover (intersection), Maximum what either covers (union), Subtract removes B from A; Multiply and Add are their soft-edged versions.',
  category: 'mask',
  tags: ['mask', 'combine', 'union', 'intersection', 'subtract'],
  version: '1.0.0',
  inputs: {
    a: field.image({ title: 'Mask A', description: 'The first mask; color images count by their brightness' }),
    b: field.image({ title: 'Mask B', description: 'The second mask, the same size as A', ui: { order: 1 } }),
    op: field.enum(OPERATIONS, {
      title: 'Operation',
      description: 'How the two masks combine',
      default: 'max',
      ui: {
        order: 2,
        choiceLabels: {
          multiply: 'Multiply (A × B)',
          add: 'Add (A + B)',
          subtract: 'Subtract (A − B)',
          min: 'Minimum (intersection)',
          max: 'Maximum (union)',
        },
      },
    }),
  },
  outputs: IMAGE_OUTPUTS,
  async invoke({ a, b, op }, ctx) {
    const first = await readImage(ctx, a, 'a', { layout: 'grey' });
    const second = await readImage(ctx, b, 'b', { layout: 'grey' });
    checkSameSize(first, 'a', second, 'b');
    const combine = COMBINE[op];
    const { data } = first;
    for (let pixel = 0; pixel < data.length; pixel++) data[pixel] = combine(data[pixel]!, second.data[pixel]!);
    return writeImage(ctx, first);
  },
});
