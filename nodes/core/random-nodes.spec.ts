import { SEED_MAX } from '@pinksea/node-sdk';
import randomFloat from './random-float.node';
import randomInteger from './random-integer.node';
import { expectNodeError, invokeNode } from '@pinksea/node-sdk/testing';

const seeds = Array.from({ length: 300 }, (_, index) => index);

describe('core.random_integer', () => {
  const pick = async (low: number, high: number, seed: number) => (await invokeNode(randomInteger, { low, high, seed })).value;

  it('picks the same number for the same seed, and varies with the seed', async () => {
    expect(await pick(0, 1000, 1234)).toBe(await pick(0, 1000, 1234));
    const picks = await Promise.all(seeds.slice(0, 20).map((seed) => pick(0, 1000, seed)));
    expect(new Set(picks).size).toBeGreaterThan(15);
  });

  it('includes both ends of the range and nothing outside it', async () => {
    const picks = await Promise.all(seeds.map((seed) => pick(-2, 2, seed)));
    expect(new Set(picks)).toEqual(new Set([-2, -1, 0, 1, 2]));
  });

  it('returns Low when Low equals High', async () => {
    expect(await pick(7, 7, 99)).toBe(7);
  });

  it('rejects Low above High, naming High', async () => {
    await expectNodeError(() => pick(5, 4, 0), 'low_above_high', 'high');
  });

  it('rejects a range too wide to draw from exactly, naming High', async () => {
    await expectNodeError(() => pick(-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 0), 'range_too_wide', 'high');
  });

  it('takes seeds as unsigned 32-bit numbers, with the seed widget', () => {
    expect(randomInteger.inputs.seed).toEqual(jasmine.objectContaining({ minimum: 0, maximum: SEED_MAX, default: 0 }));
    expect(randomInteger.inputs.seed.ui?.widget).toBe('seed');
    expect(randomInteger.useCache).toBeTrue();
  });
});

describe('core.random_float', () => {
  const pick = async (low: number, high: number, seed: number) => (await invokeNode(randomFloat, { low, high, seed })).value;

  it('picks the same number for the same seed, and varies with the seed', async () => {
    expect(await pick(0, 1, 42)).toBe(await pick(0, 1, 42));
    expect(await pick(0, 1, 42)).not.toBe(await pick(0, 1, 43));
  });

  it('stays within [Low, High) and spreads across it', async () => {
    const picks = await Promise.all(seeds.map((seed) => pick(-3, 5, seed)));
    expect(picks.every((value) => value >= -3 && value < 5)).toBeTrue();
    expect(picks.some((value) => value < -2)).toBeTrue();
    expect(picks.some((value) => value > 4)).toBeTrue();
    expect(picks.some((value) => !Number.isInteger(value))).toBeTrue();
  });

  it('returns Low when Low equals High', async () => {
    expect(await pick(0.1, 0.1, 5)).toBe(0.1);
  });

  it('stays finite when the ends are the extremes of a number', async () => {
    const value = await pick(-Number.MAX_VALUE, Number.MAX_VALUE, 8);
    expect(Number.isFinite(value)).toBeTrue();
  });

  it('rejects Low above High, naming High', async () => {
    await expectNodeError(() => pick(1, 0, 0), 'low_above_high', 'high');
  });
});
