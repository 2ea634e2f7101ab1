/**
 * Calling a node in a spec as the engine would: its defaults filled in, a test context, and the
 * typed error a bad input must raise.
 */
import { NodeError } from '../../../engine/errors';
import type { InputSpecs, InputValues, OutputSpecs, OutputValues } from '../../../engine/fields/field-types';
import type { NodeContext } from '../../../engine/node-context';
import type { NodeDefinition } from '../../../engine/node-definition';
import { createTestContext } from './memory-context';

/** Calls `invoke` with the given inputs, and each input's default where none is given. */
export async function invokeNode<I extends InputSpecs, O extends OutputSpecs>(
  node: NodeDefinition<I, O>,
  inputs: Partial<InputValues<I>>,
  ctx: NodeContext = createTestContext({ type: node.type }).ctx,
): Promise<OutputValues<O>> {
  const given = inputs as Readonly<Record<string, unknown>>;
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(node.inputs)) values[name] = given[name] ?? spec.default;
  return node.invoke(values as InputValues<I>, ctx);
}

/** What an async call rejected with; throws, failing the spec, if it resolved. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new TypeError('expected a rejection, but the call succeeded');
    },
    (error: unknown) => error,
  );
}

/** Expects `action` to fail with a user-fault NodeError of this code, naming this field (or none). */
export async function expectNodeError(action: () => unknown, code: string, field?: string): Promise<void> {
  let thrown: unknown;
  try {
    await action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).withContext(`expected NodeError "${code}"`).toBeInstanceOf(NodeError);
  expect(thrown).toEqual(jasmine.objectContaining({ code, field, kind: 'user' }));
  expect((thrown as NodeError).message.length).toBeGreaterThan(10);
}
