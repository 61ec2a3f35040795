// The module's exports: a pointer-and-length ABI over one linear memory.
// Each kernel file re-exports here; the TypeScript wrappers in src/ validate arguments.

export * from './activations';
export * from './bias';
export * from './entropy';
export * from './gemm';
export * from './lion';
export { expArray, logArray } from './math';
export * from './memory';
export * from './prodigy';
export * from './reductions';
export { resultsPointer } from './results';
export * from './schedule-free';
export * from './softmax';
export * from './updates';
