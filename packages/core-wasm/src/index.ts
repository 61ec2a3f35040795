/**
 * `@dualphi/core-wasm`: SIMD WebAssembly kernels (GEMM, fused softmax cross-entropy with its
 * entropy/divergence split, fused optimizer updates) behind the `Kernels` contract.
 * The plain TypeScript reference lives at `@dualphi/core-wasm/reference`.
 */
export {
  enableRelaxedSimd,
  type KernelBuild,
  type KernelBuildOption,
  kernelBuildNames,
  kernelBuilds,
  relaxedSimdSupported,
} from './builds.js';
export {
  type LoadKernelsOptions,
  loadKernels,
  relaxedWasmUrl,
  sharedRelaxedWasmUrl,
  sharedWasmUrl,
  wasmUrl,
} from './loader.js';
export type { WasmF32Buffer, WasmHeap, WasmI32Buffer } from './memory.js';
export { availableParallelism, resolveThreads } from './threads/count.js';
export type * from './types.js';
export type { WasmKernels } from './wasm-kernels.js';
