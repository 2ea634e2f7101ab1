import { defineNode, field } from '@pinksea/node-sdk';
import { checkSameSize, IMAGE_OUTPUTS, readImage, writeImage, type Pixels } from './image-io';

const channelInput = (name: string, order: number) =>
  field.image({ title: name, description: `The ${name.toLowerCase()} channel: white is full strength`, ui: { order } });

export default defineNode({
  type: 'image.merge_channels',
  title: 'Merge Channels',
  description:
    'Builds a color image from greyscale channel images, the reverse of Split Channels. Colored inputs count by their brightness. All inputs must be the same size; without an alpha input the result is opaque.',
  category: 'image',
  tags: ['image', 'channels', 'merge', 'combine', 'rgba', 'alpha'],
  version: '1.0.0',
  inputs: {
    r: channelInput('Red', 0),
    g: channelInput('Green', 1),
    b: channelInput('Blue', 2),
    a: field.image({ title: 'Alpha', description: 'Optional transparency: white is opaque, black fully transparent', optional: true, ui: { order: 3 } }),
  },
  outputs: IMAGE_OUTPUTS,
  async invoke({ r, g, b, a }, ctx) {
    const red = await readImage(ctx, r, 'r', { layout: 'grey' });
    const planes: Pixels[] = [red];
    for (const [ref, name] of [[g, 'g'], [b, 'b'], [a, 'a']] as const) {
      if (ref === undefined) continue;
      const channel = await readImage(ctx, ref, name, { layout: 'grey' });
      checkSameSize(red, 'r', channel, name);
      planes.push(channel);
    }
    return writeImage(ctx, interleave(planes));
  },
});

function interleave(planes: readonly Pixels[]): Pixels {
  const { width, height } = planes[0]!;
  const channels = planes.length;
  const data = Buffer.alloc(width * height * channels);
  planes.forEach((plane, channel) => {
    for (let pixel = 0; pixel < plane.data.length; pixel++) data[pixel * channels + channel] = plane.data[pixel]!;
  });
  return { data, width, height, channels };
}
