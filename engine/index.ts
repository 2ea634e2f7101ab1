/**
 * The engine's public surface: what services, the SDK and the studio build on. Pure TypeScript
 * with no I/O (CONVENTIONS §1).
 */
export * from './errors';
export * from './fields/field-types';
export { checkConnection, applyCasts, kindAccepts, type Cast, type Compatibility } from './fields/type-compat';
export { checkValue, describeValue, nestingProblem, MAX_VALUE_DEPTH } from './fields/value-check';
export * from './node-context';
export * from './node-definition';
export type { Graph, GraphEdge, GraphNode, EdgeEnd } from './graph/graph';
export { checkGraphShape, checkGraphSize, type GraphLimits } from './graph/graph-shape';
export { prepareGraph, validateGraph } from './graph/validate-graph';
export type { PreparedGraph, PreparedNode, PreparedEdge } from './graph/prepared-graph';
export * from './batch/expand-batch';
export { validateBatch, type BatchLimits, type ValidBatch } from './batch/validate-batch';
export { ExecutionState, type NodeRun, type RunStatus } from './execution/execution-state';
export { runGraph, type RunOptions, type RunResult, type NodeRunStatus } from './execution/run-graph';
export * from './execution/engine-events';
export * from './execution/invocation-cache';
export { NodeRegistry, compareVersions, type LoadedPack, type PackNode, type VersionLookup } from './registry/node-registry';
export { checkNodeDefinition } from './registry/definition-check';
export * from './registry/pack-manifest';
export * from './catalogue';
