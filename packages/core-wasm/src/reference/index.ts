/**
 * `@dualphi/core-wasm/reference`: the plain TypeScript oracle. `createReferenceKernels()`
 * fulfils the same {@link Kernels} contract as the wasm kernels; the pure functions over
 * Float32Arrays are exported too, for tests and for reading (the updates and reductions take
 * Float64Arrays as well: they are the f64 path of `@dualphi/optimizer`).
 *
 * @packageDocumentation
 */
export type * from '../types.js';
export { relu, reluBackward, tanh, tanhBackward } from './activations.js';
export type { FloatArray, Numbers } from './arrays.js';
export { biasAdd, columnSums } from './bias.js';
export { crossEntropy, entropy, klDivergence, type RowPairMeasure } from './entropy.js';
export { gemm } from './gemm.js';
export { createReferenceKernels } from './kernels.js';
export { lionUpdate } from './lion.js';
export { prodigySums, prodigyUpdate } from './prodigy.js';
export { allFinite, argmaxRows, dot, sumOfSquares } from './reductions.js';
export { scheduleFreeAdamWUpdate, scheduleFreeSgdUpdate } from './schedule-free.js';
export { type ReferenceTargets, softmaxCrossEntropy } from './softmax.js';
export { adam, heavyBall, momentumUpdate } from './updates.js';
