/**
 * `@dualphi/tfjs-adapter`: the dual-process optimizer with the golden-ratio learning rate and
 * momentum (Jaeger, arXiv 2006.04751, 2104.13277; theory.md §4), the cross-entropy split
 * (theory.md §1) and process-balance telemetry (theory.md §5, this project's interpretation)
 * for TensorFlow.js. Importing it registers `DualProcessOptimizer` with tfjs serialization.
 * The `fit` callback lives in `@dualphi/tfjs-adapter/callbacks` (it needs tfjs-layers).
 *
 * @packageDocumentation
 */

export type { ProcessBalance, StepTelemetry } from '@dualphi/optimizer';
export { FUSED_BACKENDS, type FusedMode } from './fused.js';
export { crossEntropy, entropy, klDivergence } from './losses.js';
export { divergence, predictionEntropy, targetEntropy } from './metrics.js';
export {
  DualProcessOptimizer,
  type DualProcessOptimizerOptions,
  dualProcess,
  isDualProcessOptimizer,
  type NamedTensor,
  type VariableGradients,
} from './optimizer.js';
export {
  RegistryOptimizer,
  type RegistryOptimizerOptions,
  registryOptimizer,
  registryOptimizerNames,
} from './registry-optimizer.js';
