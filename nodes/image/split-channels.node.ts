import { defineNode, field, output } from '@pinksea/node-sdk';
import { readImage, writeImage, type Pixels } from './image-io';

const channelImage = (name: string) =>
  output.image({ title: name, description: `The ${name.toLowerCase()} channel, as a greyscale image` });

export default defineNode({
  type: 'image.split_channels',
  title: 'Split Channels',
  description:
    'Splits an image into its red, green, blue and alpha channels, each a greyscale image where white is the channel at full strength. An image without transparency gives a white alpha.',
  category: 'image',
  tags: ['image', 'channels', 'split', 'rgba', 'alpha'],
  version: '1.0.0',
  inputs: {
    image: field.image({ title: 'Image', description: 'The image to split' }),
  },
  outputs: {
    r: channelImage('Red'),
    g: channelImage('Green'),
    b: channelImage('Blue'),
    a: channelImage('Alpha'),
    width: output.integer({ title: 'Width', description: 'Width of the channel images, in pixels' }),
    height: output.integer({ title: 'Height', description: 'Height of the channel images, in pixels' }),
  },
  async invoke({ image }, ctx) {
    const source = await readImage(ctx, image, 'image', { layout: 'rgba' });
    const [r, g, b, a] = await Promise.all([0, 1, 2, 3].map((channel) => writeImage(ctx, plane(source, channel))));
    return { r: r!.image, g: g!.image, b: b!.image, a: a!.image, width: source.width, height: source.height };
  },
});

/** One channel of RGBA pixels, as one-channel pixels. */
function plane(source: Pixels, channel: number): Pixels {
  const { width, height } = source;
  const data = Buffer.alloc(width * height);
  for (let pixel = 0; pixel < data.length; pixel++) data[pixel] = source.data[pixel * 4 + channel]!;
  return { data, width, height, channels: 1 };
}
