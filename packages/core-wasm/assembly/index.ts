// The module's exports: a pointer-and-length ABI over one linear memory.
// Each kernel file re-exports here; the TypeScript wrappers in src/ validate arguments.

export * from './gemm';
export * from './memory';
