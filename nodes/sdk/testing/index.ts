export * from './memory-context';
export * from './test-pack';
export * from './graph-builder';
export * from './invoke-node';
export { MemoryConditioningStore, MemoryTensorStore } from '../memory-stores';
export type { CredentialSecret } from '../credentials';
