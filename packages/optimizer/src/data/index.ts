export { isGzip, maybeGunzip } from './bytes.js';
export { type CsvOptions, parseCsv } from './csv.js';
export {
  type DataAttribution,
  DIGITS_SPLIT,
  digitsAttribution,
  type LoadDigitsOptions,
  loadDigits,
  loadDigitsDataset,
} from './digits.js';
export {
  type IdxDatasetOptions,
  type IdxDataType,
  type IdxTensor,
  idxDataset,
  parseIdx,
} from './idx.js';
export {
  type FeatureScaler,
  fitScaler,
  type ScalingOption,
  scaleDataset,
  scaleSplit,
} from './scaling.js';
export { subset, type TrainTestSplitOptions, trainTestSplit } from './split.js';
export { DataFormatError, type DataSplit, type Dataset, MAX_CLASS_COUNT } from './types.js';
