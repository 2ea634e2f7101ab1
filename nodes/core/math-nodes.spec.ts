import add from './add.node';
import clamp from './clamp.node';
import divide from './divide.node';
import multiply from './multiply.node';
import round from './round.node';
import subtract from './subtract.node';
import { expectNodeError, invokeNode } from '@pinksea/node-sdk/testing';

describe('core arithmetic', () => {
  it('adds, subtracts, multiplies and divides', async () => {
    expect(await invokeNode(add, { a: 2.5, b: -4 })).toEqual({ value: -1.5 });
    expect(await invokeNode(subtract, { a: 2.5, b: -4 })).toEqual({ value: 6.5 });
    expect(await invokeNode(multiply, { a: 2.5, b: -4 })).toEqual({ value: -10 });
    expect(await invokeNode(divide, { a: 7, b: 2 })).toEqual({ value: 3.5 });
  });

  it('subtracts B from A, not A from B', async () => {
    expect(await invokeNode(subtract, { a: 10, b: 3 })).toEqual({ value: 7 });
  });

  it('refuses to divide by zero, naming B', async () => {
    await expectNodeError(() => invokeNode(divide, { a: 1, b: 0 }), 'division_by_zero', 'b');
    await expectNodeError(() => invokeNode(divide, { a: 0, b: -0 }), 'division_by_zero', 'b');
  });

  it('fails instead of passing on a result too large for a number', async () => {
    await expectNodeError(() => invokeNode(add, { a: 1.7e308, b: 1.7e308 }), 'result_not_finite');
    await expectNodeError(() => invokeNode(subtract, { a: -1.7e308, b: 1.7e308 }), 'result_not_finite');
    await expectNodeError(() => invokeNode(multiply, { a: 1e200, b: 1e200 }), 'result_not_finite');
    await expectNodeError(() => invokeNode(divide, { a: 1e300, b: 1e-300 }), 'result_not_finite');
  });

  it('never hands on negative zero', async () => {
    expect(Object.is((await invokeNode(multiply, { a: -1, b: 0 })).value, 0)).toBeTrue();
    expect(Object.is((await invokeNode(divide, { a: 0, b: -5 })).value, 0)).toBeTrue();
  });

  it('declares defaults that run without errors (B of Divide is 1, not 0)', async () => {
    expect(divide.inputs.b.default).toBe(1);
    expect(multiply.inputs.a.default).toBe(1);
    expect(multiply.inputs.b.default).toBe(1);
  });
});

describe('core.clamp', () => {
  it('raises low values to Min, lowers high ones to Max and keeps the rest', async () => {
    expect(await invokeNode(clamp, { value: -3, min: 0, max: 1 })).toEqual({ value: 0 });
    expect(await invokeNode(clamp, { value: 3, min: 0, max: 1 })).toEqual({ value: 1 });
    expect(await invokeNode(clamp, { value: 0.25, min: 0, max: 1 })).toEqual({ value: 0.25 });
  });

  it('accepts Min equal to Max', async () => {
    expect(await invokeNode(clamp, { value: 9, min: 2, max: 2 })).toEqual({ value: 2 });
  });

  it('rejects Min above Max, naming Min', async () => {
    await expectNodeError(() => invokeNode(clamp, { value: 0.5, min: 1, max: 0 }), 'min_above_max', 'min');
  });
});

describe('core.round', () => {
  const rounded = async (value: number, mode: 'round' | 'floor' | 'ceil' | 'trunc') => (await invokeNode(round, { value, mode })).value;

  it('rounds to the nearest whole number, halves away from zero', async () => {
    expect(await rounded(2.4, 'round')).toBe(2);
    expect(await rounded(2.5, 'round')).toBe(3);
    expect(await rounded(-2.5, 'round')).toBe(-3);
    expect(await rounded(-2.4, 'round')).toBe(-2);
  });

  it('floors, ceils and truncates, negatives included', async () => {
    expect(await rounded(-2.7, 'floor')).toBe(-3);
    expect(await rounded(2.1, 'ceil')).toBe(3);
    expect(await rounded(-2.7, 'ceil')).toBe(-2);
    expect(await rounded(-2.7, 'trunc')).toBe(-2);
    expect(await rounded(2.7, 'trunc')).toBe(2);
  });

  it('gives 0, not -0, for small negatives', async () => {
    expect(Object.is(await rounded(-0.4, 'round'), 0)).toBeTrue();
    expect(Object.is(await rounded(-0.4, 'ceil'), 0)).toBeTrue();
    expect(Object.is(await rounded(-0.4, 'trunc'), 0)).toBeTrue();
  });

  it('rejects numbers too large for an exact integer, naming the value', async () => {
    await expectNodeError(() => invokeNode(round, { value: 1e300, mode: 'floor' }), 'out_of_integer_range', 'value');
  });

  it('offers the four modes, nearest first', () => {
    expect(round.inputs.mode.options).toEqual(['round', 'floor', 'ceil', 'trunc']);
    expect(round.inputs.mode.default).toBe('round');
    expect(round.outputs.value.kind).toBe('integer');
  });
});
