import { NodeError } from '@pinksea/node-sdk';

/**
 * Math results must stay finite: a float field cannot hold Infinity or NaN, and passing one on
 * would fail a later node with a message far from the cause. Fail here instead, saying why.
 */
export function finiteResult(value: number, operation: string): number {
  if (!Number.isFinite(value)) {
    throw new NodeError('result_not_finite', `The ${operation} is too large to represent as a number`);
  }
  // -0 reads as 0 to people, and JSON writes it as 0: never hand it on.
  return value === 0 ? 0 : value;
}
