import { defineNode, field, NodeError } from '@pinksea/node-sdk';
import { IMAGE_OUTPUTS, throwIfCanceled } from './image-io';

export default defineNode({
  type: 'image.save',
  title: 'Save Image',
  description:
    'Saves an image to the gallery as a result of the run. Other nodes keep their images as hidden working files; connect the images you want to keep here.',
  category: 'image',
  tags: ['image', 'save', 'output', 'gallery', 'result'],
  version: '1.1.0',
  // Saving is the point: a cached answer would skip the save.
  useCache: false,
  inputs: {
    image: field.image({ title: 'Image', description: 'The image to keep', input: 'connection' }),
    metadata: field.any({ title: 'Metadata', description: 'Stored with the image (prompt, seed, …): typed in, or from another node', optional: true }),
  },
  outputs: IMAGE_OUTPUTS,
  async invoke({ image, metadata }, ctx) {
    throwIfCanceled(ctx);
    const stored = await ctx.images.get(image).catch((error: unknown) => {
      if (error instanceof NodeError) throw new NodeError(error.code, error.message, { field: 'image' });
      throw error;
    });
    const isRecord = typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata);
    if (metadata !== undefined && !isRecord) {
      throw new NodeError('invalid_metadata', 'Metadata must be an object of named values', { field: 'metadata' });
    }
    const ref = await ctx.images.save({
      data: stored.data,
      format: stored.format,
      width: stored.width,
      height: stored.height,
      intermediate: false,
      ...(isRecord ? { metadata: metadata as Record<string, unknown> } : {}),
    });
    return { image: ref, width: stored.width, height: stored.height };
  },
});
