/**
 * What the core pack's specs share: invoking a node as the engine would (with a test context),
 * and asserting the NodeError a bad input must raise. Not listed in the manifest; specs only.
 */
import { NodeError, type InputSpecs, type InputValues, type NodeDefinition, type OutputSpecs } from '@pinksea/node-sdk';
import { createTestContext } from '@pinksea/node-sdk/testing';

export async function invokeNode<I extends InputSpecs, O extends OutputSpecs>(node: NodeDefinition<I, O>, inputs: InputValues<I>) {
  const { ctx } = createTestContext({ type: node.type });
  return await node.invoke(inputs, ctx);
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
