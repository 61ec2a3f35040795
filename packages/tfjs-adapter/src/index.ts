/**
 * `@dualphi/tfjs-adapter`: the dual-process optimizer with the golden-ratio learning rate and
 * momentum (Jaeger, arXiv 2410.12984, Eqs. 32–34; apps/docs/theory.md#constants), the
 * cross-entropy split (apps/docs/theory.md#dual-processes; reading J21's entropy as the targets'
 * is this project's interpretation) and process-balance telemetry
 * (apps/docs/theory.md#process-balance, this project's interpretation)
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
  DOWNLOAD_BACKENDS,
  RegistryOptimizer,
  type RegistryOptimizerOptions,
  type RegistryOptimizerPathOptions,
  type RegistryUpdatePath,
  registryOptimizer,
  registryOptimizerNames,
} from './registry-optimizer.js';
export { type TfjsCellContext, type TfjsModelBuilder, tfjsCellTrainer } from './sweep-cell.js';
