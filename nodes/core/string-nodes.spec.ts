import join from './join.node';
import replace from './replace.node';
import split from './split.node';
import template from './template.node';
import { expectNodeError, invokeNode } from '@pinksea/node-sdk/testing';

describe('core.join', () => {
  it('puts the separator between items, not around them', async () => {
    expect(await invokeNode(join, { strings: ['red', 'green', 'blue'], separator: ', ' })).toEqual({ value: 'red, green, blue' });
    expect(await invokeNode(join, { strings: ['a', 'b'], separator: '' })).toEqual({ value: 'ab' });
  });

  it('joins one item to itself and no items to empty text', async () => {
    expect(await invokeNode(join, { strings: ['solo'], separator: '-' })).toEqual({ value: 'solo' });
    expect(await invokeNode(join, { strings: [], separator: '-' })).toEqual({ value: '' });
  });
});

describe('core.split', () => {
  it('splits at every separator, keeping empty parts between adjacent ones', async () => {
    expect(await invokeNode(split, { text: 'cat,dog,,fox', separator: ',' })).toEqual({ value: ['cat', 'dog', '', 'fox'] });
    expect(await invokeNode(split, { text: 'a :: b', separator: ' :: ' })).toEqual({ value: ['a', 'b'] });
  });

  it('gives the whole text when the separator does not occur', async () => {
    expect(await invokeNode(split, { text: 'no commas here', separator: ',' })).toEqual({ value: ['no commas here'] });
  });

  it('gives an empty list for empty text', async () => {
    expect(await invokeNode(split, { text: '', separator: ',' })).toEqual({ value: [] });
  });

  it('splits into characters with an empty separator, keeping emoji whole', async () => {
    expect(await invokeNode(split, { text: 'a🌸b', separator: '' })).toEqual({ value: ['a', '🌸', 'b'] });
  });
});

describe('core.replace', () => {
  const run = (text: string, search: string, replacement: string, useRegex = false, caseInsensitive = false) =>
    invokeNode(replace, { text, search, replacement, useRegex, caseInsensitive });

  it('replaces every occurrence of plain text', async () => {
    expect(await run('a cat and a cat', 'cat', 'dog')).toEqual({ value: 'a dog and a dog' });
  });

  it('treats plain search and replacement literally, special characters included', async () => {
    expect(await run('1+1=2 (maybe)', '(maybe)', '$&$1')).toEqual({ value: '1+1=2 $&$1' });
    expect(await run('a.b.c', '.', '-')).toEqual({ value: 'a-b-c' });
  });

  it('matches case only when asked to ignore it', async () => {
    expect(await run('Cat cat CAT', 'cat', 'dog')).toEqual({ value: 'Cat dog CAT' });
    expect(await run('Cat cat CAT', 'cat', 'dog', false, true)).toEqual({ value: 'dog dog dog' });
    expect(await run('Cat cat CAT', 'c.t', 'dog', true, true)).toEqual({ value: 'dog dog dog' });
  });

  it('uses regular expressions with captured groups when asked', async () => {
    expect(await run('2024-05-17', '(\\d+)-(\\d+)-(\\d+)', '$3/$2/$1', true)).toEqual({ value: '17/05/2024' });
    expect(await run('a1b22c', '\\d+', '#', true)).toEqual({ value: 'a#b#c' });
  });

  it('rejects a malformed regular expression, naming the search', async () => {
    await expectNodeError(() => run('text', '(unclosed', 'x', true), 'invalid_regex', 'search');
  });

  it('stops a catastrophically backtracking expression and says so, instead of stalling the worker', async () => {
    await expectNodeError(() => run(`${'a'.repeat(40)}!`, '(a+)+$', 'x', true), 'regex_timeout', 'search');
    expect(await run('still works', 'o', '0', true)).toEqual({ value: 'still w0rks' });
  });

  it('accepts the same characters as plain text when the regex option is off', async () => {
    expect(await run('f(unclosed', '(unclosed', 'x')).toEqual({ value: 'fx' });
  });

  it('rejects an empty search, naming it', async () => {
    await expectNodeError(() => run('text', '', 'x'), 'empty_search', 'search');
  });

  it('requires a search (no default) and declares it at least one character', () => {
    expect(replace.inputs.search.default).toBeUndefined();
    expect(replace.inputs.search.minLength).toBe(1);
  });
});

describe('core.template', () => {
  type Slots = { a?: string; b?: string; c?: string; d?: string };
  const fill = async (text: string, slots: Slots = {}) =>
    (await invokeNode(template, { template: text, a: slots.a, b: slots.b, c: slots.c, d: slots.d })).value;

  it('fills every placeholder, each as often as it appears', async () => {
    expect(await fill('{a} {b} {c} {d} {a}', { a: '1', b: '2', c: '3', d: '4' })).toBe('1 2 3 4 1');
    expect(await fill('a photo of {a} in {b}', { a: 'a fox', b: 'the snow' })).toBe('a photo of a fox in the snow');
  });

  it('leaves unused slots alone and passes text without placeholders through', async () => {
    expect(await fill('only {b}', { b: 'this' })).toBe('only this');
    expect(await fill('plain text')).toBe('plain text');
  });

  it('inserts values literally, even when they contain braces or $', async () => {
    expect(await fill('{a}', { a: '{b} $& $1' })).toBe('{b} $& $1');
  });

  it('turns doubled braces into literal ones and leaves a lone brace as it is', async () => {
    expect(await fill('{{a}} is {a}', { a: 'x' })).toBe('{a} is x');
    expect(await fill('smile :} or :{', {})).toBe('smile :} or :{');
  });

  it('rejects an unknown placeholder, naming the template', async () => {
    await expectNodeError(() => fill('{a} and {e}', { a: 'x' }), 'unknown_placeholder', 'template');
    await expectNodeError(() => fill('{A}', { a: 'x' }), 'unknown_placeholder', 'template');
    await expectNodeError(() => fill('{}'), 'unknown_placeholder', 'template');
  });

  it('rejects a placeholder whose input is not set, naming that input', async () => {
    await expectNodeError(() => fill('{a} {c}', { a: 'x' }), 'missing_template_value', 'c');
  });

  it('accepts an empty text as a value', async () => {
    expect(await fill('[{a}]', { a: '' })).toBe('[]');
  });
});
