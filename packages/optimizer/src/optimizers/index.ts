export { adam, adamw } from './adam.js';
export { optimizerFromConfig, optimizerNames } from './config.js';
export type {
  OptimizerKind,
  OptimizerModule,
  OptimizerPreset,
  OptionSpec,
  OptionSpecs,
  OptionsOf,
  OptionValue,
  RequiredKeys,
  RequiredOptionSpec,
  ValuesOf,
} from './define.js';
export { dualProcess } from './dual-process.js';
export {
  type GoldenBatchOptions,
  type GoldenCosineOptions,
  goldenBatchHalfLife,
  goldenBatchLinear,
  goldenCosine,
} from './golden-extensions.js';
export { type LionOptions, lion } from './lion.js';
export { momentum } from './momentum.js';
export { type ProdigyOptions, prodigy } from './prodigy.js';
export {
  optimizerFromPreset,
  optimizerModule,
  optimizerPresets,
  optimizerRegistry,
  type RegisteredPreset,
} from './registry.js';
export {
  type ScheduleFreeAdamWOptions,
  type ScheduleFreeSgdOptions,
  scheduleFreeAdamW,
  scheduleFreeSgd,
} from './schedule-free.js';
export { sgd } from './sgd.js';
export { disposeOptimizerState, restoreOptimizerState, serializeOptimizerState } from './state.js';
export { processBalance } from './telemetry.js';
export {
  type OptimizerTransforms,
  type ScheduleConfig,
  type ScheduleKind,
  scheduleFactor,
  scheduleKinds,
  withTransforms,
} from './transforms.js';
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
  TrainingRun,
} from './types.js';
export {
  checkFloat32,
  type HyperParameterRule,
  hyperParameterRules,
  OptimizerOptionError,
  OptimizerOptionTypeError,
  type OptionRules,
  optionRules,
  requireHyperParameter,
  validateHyperParameter,
  validateHyperParameters,
} from './validate.js';
