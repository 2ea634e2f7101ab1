import { defineNode, field, output } from '../nodes/sdk';
import { humanize, toCatalogueEntry } from './catalogue';

describe('node catalogue', () => {
  const resize = defineNode({
    type: 'demo.resize',
    title: 'Resize',
    description: 'Resizes an image.',
    category: 'image',
    tags: ['resize'],
    version: '1.2.0',
    inputs: {
      image: field.image({ input: 'connection' }),
      width: field.integer({ minimum: 1, maximum: 4096, default: 512, ui: { order: 1, widget: 'slider' } }),
      fit: field.enum(['cover', 'contain'], { default: 'cover', ui: { choiceLabels: { cover: 'Cover', contain: 'Contain' } } }),
      sizes: field.list(field.integer({ minimum: 1 }), { optional: true, maxItems: 4 }),
    },
    outputs: { image: output.image(), width: output.integer() },
    needs: { gpu: true },
    invoke: ({ image, width }) => ({ image, width }),
  });
  const entry = JSON.parse(JSON.stringify(toCatalogueEntry(resize, '@demo/pack')));

  it('serialises metadata with defaults filled in', () => {
    expect(entry).toEqual(
      jasmine.objectContaining({
        type: 'demo.resize',
        version: '1.2.0',
        classification: 'stable',
        useCache: true,
        pack: '@demo/pack',
        needs: { gpu: true, models: [], network: false },
      }),
    );
  });

  it('gives every field a JSON Schema, a title and what the editor needs', () => {
    const byName = Object.fromEntries(entry.inputs.map((input: { name: string }) => [input.name, input]));
    expect(byName.width).toEqual(
      jasmine.objectContaining({ title: 'Width', kind: 'integer', input: 'any', required: false, default: 512, schema: { type: 'integer', minimum: 1, maximum: 4096 }, ui: { order: 1, widget: 'slider' } }),
    );
    expect(byName.image.schema).toEqual({ type: 'object', required: ['imageName'], properties: { imageName: { type: 'string', minLength: 1 } } });
    expect(byName.image.required).toBeTrue();
    expect(byName.fit.schema).toEqual({ type: 'string', enum: ['cover', 'contain'] });
    expect(byName.sizes.schema).toEqual({ type: 'array', items: { type: 'integer', minimum: 1 }, maxItems: 4 });
    expect(entry.outputs.map((output: { name: string; kind: string }) => `${output.name}:${output.kind}`)).toEqual(['image:image', 'width:integer']);
  });

  it('describes the typed values a graph node may carry, leaving out connection-only inputs', () => {
    expect(Object.keys(entry.inputSchema.properties).sort()).toEqual(['fit', 'sizes', 'width']);
    expect(entry.inputSchema.additionalProperties).toBeFalse();
  });

  it('humanizes field names', () => {
    expect([humanize('maxPrompts'), humanize('true_value'), humanize('a')]).toEqual(['Max Prompts', 'True Value', 'A']);
  });
});
