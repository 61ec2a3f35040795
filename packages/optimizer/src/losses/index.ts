export {
  crossEntropy,
  entropy,
  type InformationOptions,
  klDivergence,
  type RowMeasure,
} from './information.js';
export { smoothLabels, smoothProbabilities } from './smoothing.js';
export {
  type CrossEntropySplit,
  type LabelTargets,
  type LossTargets,
  type ProbabilityTargets,
  type SoftmaxCrossEntropyOptions,
  softmaxCrossEntropy,
} from './softmax-cross-entropy.js';
export { fromNats, type InformationUnit } from './units.js';
export {
  checkDistributions,
  DISTRIBUTION_TOLERANCE,
  LossInputError,
  type NumericRows,
} from './validate.js';
