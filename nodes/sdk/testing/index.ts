export * from './memory-context';
