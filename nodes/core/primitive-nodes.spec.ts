import booleanNode from './boolean.node';
import float from './float.node';
import integer from './integer.node';
import string from './string.node';
import { invokeNode } from '@pinksea/node-sdk/testing';

describe('core primitives', () => {
  it('pass their value through unchanged', async () => {
    expect(await invokeNode(integer, { value: -42 })).toEqual({ value: -42 });
    expect(await invokeNode(float, { value: 0.125 })).toEqual({ value: 0.125 });
    expect(await invokeNode(string, { value: 'a pink sea\nat dawn' })).toEqual({ value: 'a pink sea\nat dawn' });
    expect(await invokeNode(booleanNode, { value: true })).toEqual({ value: true });
  });

  it('default to zero, empty text and false', () => {
    expect(integer.inputs.value.default).toBe(0);
    expect(float.inputs.value.default).toBe(0);
    expect(string.inputs.value.default).toBe('');
    expect(booleanNode.inputs.value.default).toBeFalse();
  });

  it('output the kind they hold', () => {
    expect([integer, float, string, booleanNode].map((node) => node.outputs.value.kind)).toEqual(['integer', 'float', 'string', 'boolean']);
  });

  it('offer a multi-line box for text', () => {
    expect(string.inputs.value.ui).toEqual(jasmine.objectContaining({ widget: 'textarea', multiline: true }));
  });
});
