/**
 * @pinksea/node-sdk: everything a node pack imports. Node files declare one node each with
 * `defineNode`, typed with the `field` and `output` builders, and throw `NodeError` for bad input.
 */
export { defineNode, type NodeDeclaration } from './define-node';
export { field, output } from './fields';
export { NodeError, CanceledError } from '../../engine/errors';
export type * from '../../engine/fields/field-types';
export type * from '../../engine/node-context';
export type * from '../../engine/node-definition';
export { ENGINE_API_VERSION } from '../../engine/registry/pack-manifest';
export { SeededRandom, SEED_MAX, MAX_RANDOM_SPAN } from './seeded-random';
