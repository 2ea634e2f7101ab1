import { metadataRows } from './metadata-rows';

describe('metadataRows', () => {
  it('lists scalars before objects and drops empty values', () => {
    expect(metadataRows({ loras: [{ name: 'x' }], prompt: 'a cat', seed: 42, negativePrompt: '' })).toEqual([
      { key: 'prompt', value: 'a cat' },
      { key: 'seed', value: '42' },
      { key: 'loras', value: '[{"name":"x"}]' },
    ]);
  });

  it('gives no rows without metadata', () => {
    expect(metadataRows(null)).toEqual([]);
  });
});
