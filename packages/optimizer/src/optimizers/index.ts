export { adam, adamw } from './adam.js';
export { optimizerFromConfig, optimizerNames } from './config.js';
export { dualProcess } from './dual-process.js';
export { momentum } from './momentum.js';
export { sgd } from './sgd.js';
export { disposeOptimizerState, restoreOptimizerState, serializeOptimizerState } from './state.js';
export { processBalance } from './telemetry.js';
export type {
  AdamOptions,
  AdamWOptions,
  ArrayOptimizerState,
  ArrayParameter,
  DualProcessOptions,
  HyperParameterValue,
  MomentumOptions,
  Optimizer,
  OptimizerConfig,
  OptimizerName,
  OptimizerState,
  ParameterTensor,
  ProcessBalance,
  SerializedOptimizerState,
  SgdOptions,
  StepTelemetry,
} from './types.js';
export {
  checkFloat32,
  type HyperParameterRule,
  hyperParameterRules,
  OptimizerOptionError,
  OptimizerOptionTypeError,
  requireHyperParameter,
  validateHyperParameter,
  validateHyperParameters,
} from './validate.js';
