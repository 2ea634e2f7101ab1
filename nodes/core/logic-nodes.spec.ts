import booleanLogic from './boolean-logic.node';
import compare from './compare.node';
import ifNode from './if.node';
import { expectNodeError, invokeNode } from '@pinksea/node-sdk/testing';

describe('core.compare', () => {
  type Op = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
  const results = async (a: number, b: number) => {
    const ops: Op[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'];
    const values = await Promise.all(ops.map(async (op) => (await invokeNode(compare, { a, op, b })).value));
    return Object.fromEntries(ops.map((op, index) => [op, values[index]]));
  };

  it('answers each comparison for A below, equal to and above B', async () => {
    expect(await results(1, 2)).toEqual({ eq: false, ne: true, lt: true, le: true, gt: false, ge: false });
    expect(await results(2, 2)).toEqual({ eq: true, ne: false, lt: false, le: true, gt: false, ge: true });
    expect(await results(3, 2)).toEqual({ eq: false, ne: true, lt: false, le: false, gt: true, ge: true });
  });

  it('compares exactly, as its description says', async () => {
    expect((await invokeNode(compare, { a: 0.1 + 0.2, op: 'eq', b: 0.3 })).value).toBeFalse();
  });
});

describe('core.boolean_logic', () => {
  type Op = 'and' | 'or' | 'xor' | 'nand' | 'nor' | 'not_a';
  const table = async (op: Op) => {
    const rows: [boolean, boolean][] = [[false, false], [false, true], [true, false], [true, true]];
    return Promise.all(rows.map(async ([a, b]) => (await invokeNode(booleanLogic, { a, op, b })).value));
  };

  it('follows the truth table of each operation (rows: FF, FT, TF, TT)', async () => {
    expect(await table('and')).toEqual([false, false, false, true]);
    expect(await table('or')).toEqual([false, true, true, true]);
    expect(await table('xor')).toEqual([false, true, true, false]);
    expect(await table('nand')).toEqual([true, true, true, false]);
    expect(await table('nor')).toEqual([true, false, false, false]);
    expect(await table('not_a')).toEqual([true, true, false, false]);
  });
});

describe('core.if', () => {
  it('passes on the value of the branch the condition picks', async () => {
    expect(await invokeNode(ifNode, { condition: true, trueValue: 'yes', falseValue: undefined })).toEqual({ value: 'yes' });
    expect(await invokeNode(ifNode, { condition: false, trueValue: undefined, falseValue: { imageName: 'b.png' } })).toEqual({
      value: { imageName: 'b.png' },
    });
  });

  it('passes on falsy values such as 0, false and empty text', async () => {
    expect(await invokeNode(ifNode, { condition: true, trueValue: 0, falseValue: 1 })).toEqual({ value: 0 });
    expect(await invokeNode(ifNode, { condition: false, trueValue: true, falseValue: false })).toEqual({ value: false });
    expect(await invokeNode(ifNode, { condition: true, trueValue: '', falseValue: 'x' })).toEqual({ value: '' });
  });

  it('asks the engine for only the branch the condition picks', () => {
    expect(ifNode.selectLazyInputs?.({ condition: true })).toEqual(['trueValue']);
    expect(ifNode.selectLazyInputs?.({ condition: false })).toEqual(['falseValue']);
  });

  it('declares both branches lazy and optional, and opts out of the cache', () => {
    for (const branch of [ifNode.inputs.trueValue, ifNode.inputs.falseValue]) {
      expect(branch).toEqual(jasmine.objectContaining({ kind: 'any', lazy: true, optional: true }));
    }
    expect(ifNode.useCache).toBeFalse();
  });

  it('fails, naming the chosen input, when nothing feeds the chosen branch', async () => {
    await expectNodeError(() => invokeNode(ifNode, { condition: true, trueValue: undefined, falseValue: 1 }), 'missing_branch_value', 'trueValue');
    await expectNodeError(() => invokeNode(ifNode, { condition: false, trueValue: 1, falseValue: undefined }), 'missing_branch_value', 'falseValue');
  });
});
