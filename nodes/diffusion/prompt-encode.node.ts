import { defineNode, field, output } from '@pinksea/node-sdk';
import { throwIfCanceled } from '@pinksea/nodes-image/image-io';
import { encodeWindows } from './src/prompt-embedding';
import { parsePromptWeights } from './src/prompt-weights';
import { DEFAULT_MAX_WINDOWS, tokenizeWeighted } from './src/prompt-windows';
import { loadPart, mainModelInfo } from './src/sd-model';
import { tokenizerFor } from './src/tokenizer-cache';

export default defineNode({
  type: 'diffusion.prompt',
  title: 'Prompt',
  description:
    'Turns a prompt into conditioning with the model\'s own tokenizer and text encoder. Weight words as in A1111: (word) or (word:1.3) stresses, [word] softens. Up to 225 tokens; longer prompts are refused.',
  category: 'generation',
  tags: ['stable diffusion', 'prompt', 'clip', 'text encoder', 'conditioning', 'compel'],
  version: '1.0.0',
  needs: { gpu: true, models: ['main'] },
  inputs: {
    clip: field.model({ title: 'CLIP', description: "The model's tokenizer and text encoder, from the model loader", input: 'connection' }),
    prompt: field.string({
      title: 'Prompt',
      description: 'What to draw (or, for the negative prompt, what to avoid)',
      default: '',
      ui: { widget: 'textarea', order: 1 },
    }),
  },
  outputs: {
    conditioning: output.conditioning({ title: 'Conditioning', description: 'The encoded prompt, for Denoise Latents' }),
  },
  async invoke({ clip, prompt }, ctx) {
    await mainModelInfo(ctx, clip, 'clip');
    const tokenizer = await tokenizerFor(ctx, clip, 'clip');
    const { windows, tokenCount } = tokenizeWeighted(tokenizer, parsePromptWeights(prompt), { maxWindows: DEFAULT_MAX_WINDOWS });
    throwIfCanceled(ctx);
    const session = await loadPart(ctx, clip, 'text_encoder', 'clip');
    const states = await encodeWindows(session, windows, 'clip');
    throwIfCanceled(ctx);
    const conditioning = await ctx.conditioning.save({
      embeddings: [{ dtype: 'float32', dims: [1, states.sequence, states.hidden], data: states.data }],
      metadata: { prompt, tokenCount, windows: windows.length },
    });
    return { conditioning };
  },
});
