/**
 * `@dualphi/optimizer`: the dual process model of cross-entropy (Jaeger, arXiv 2104.13277)
 * with the golden-ratio constants as derived in "Double-Bayesian Learning" (arXiv 2410.12984,
 * Eqs. 24–34; apps/docs/theory.md) — the golden-ratio constants and their derivation, the
 * dual-process optimizer and baselines, losses with their entropy/divergence split, data
 * loading, an MLP training engine and checkpoints.
 *
 * @packageDocumentation
 */

export * from './checkpoints/index.js';
export * from './data/index.js';
export { getDefaultKernels, resolveKernels, setDefaultKernels } from './kernels.js';
export * from './losses/index.js';
export * from './network/index.js';
export * from './optimizers/index.js';
export * from './sweep/index.js';
export * from './theory/index.js';
export * from './training/index.js';
