export { type DivergedQuantity, TrainingDivergedError } from './errors.js';
export { type EvaluateOptions, type Evaluation, evaluate } from './evaluate.js';
export { checkpointModelWeights } from './evaluation-point.js';
export { train } from './train.js';
export type {
  Activation,
  BatchEvent,
  DatasetSummary,
  EpochMetrics,
  NetworkConfig,
  TrainConfig,
  TrainOptions,
  TrainResult,
} from './types.js';
export {
  type CarvedValidation,
  carveValidation,
  type ValidationFigures,
} from './validation.js';
export { yieldToEventLoop } from './yield.js';
