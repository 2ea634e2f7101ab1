import { messageParts } from './message-links';

describe('messageParts', () => {
  it("links the pricing page a 402's message names", () => {
    expect(messageParts('Your Trial plan ended on 2025-01-08, so runs are paused: choose a plan at /pricing')).toEqual([
      { text: 'Your Trial plan ended on 2025-01-08, so runs are paused: choose a plan at ' },
      { text: '/pricing', link: '/pricing' },
    ]);
    expect(messageParts('see /pricing.')).toEqual([{ text: 'see ' }, { text: '/pricing', link: '/pricing' }, { text: '.' }]);
  });

  it('leaves other text, other paths and look-alikes as text', () => {
    expect(messageParts('width must be a multiple of 8')).toEqual([{ text: 'width must be a multiple of 8' }]);
    expect(messageParts('see /api/v1/pricing or /pricing-old')).toEqual([{ text: 'see /api/v1/pricing or /pricing-old' }]);
    expect(messageParts('')).toEqual([{ text: '' }]);
  });
});
