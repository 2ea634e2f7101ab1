import { PackError } from '../../engine/errors';
import type { InputSpecs, OutputSpecs } from '../../engine/fields/field-types';
import type { NodeDefinition, NodeNeeds } from '../../engine/node-definition';
import { checkNodeDefinition } from '../../engine/registry/definition-check';

/** What a node file declares; `needs`, `classification`, `useCache` and `tags` have defaults. */
export type NodeDeclaration<I extends InputSpecs, O extends OutputSpecs> = Omit<
  NodeDefinition<I, O>,
  'needs' | 'classification' | 'useCache' | 'tags'
> &
  Partial<Pick<NodeDefinition<I, O>, 'classification' | 'useCache' | 'tags'>> & { readonly needs?: Partial<NodeNeeds> };

/**
 * Declares a node type. Checked at once: a malformed declaration throws here, so the pack that
 * lists the file fails to load with the reason.
 */
export function defineNode<const I extends InputSpecs, const O extends OutputSpecs>(
  declaration: NodeDeclaration<I, O>,
): NodeDefinition<I, O> {
  const definition: NodeDefinition<I, O> = {
    classification: 'stable',
    useCache: true,
    tags: [],
    ...declaration,
    needs: { gpu: false, models: [], network: false, ...declaration.needs },
  };
  const issues = checkNodeDefinition(definition);
  if (issues.length > 0) {
    throw new PackError('invalid_definition', `Node "${String(declaration.type)}" is malformed: ${issues[0]!.message}`, issues);
  }
  return Object.freeze(definition);
}
