export { compareCells, PAIRED_TEST, SIGNIFICANCE, summarizeSweep } from './aggregate.js';
export { parseEntry, type SweepEntry } from './entries.js';
export { MAX_SWEEP_RUNS, planSweep, type SweepPlanOptions, sweepTasks, taskKey } from './plan.js';
export {
  type AxisValue,
  axisValues,
  goldenValue,
  MAX_AXIS_VALUES,
  parseAxis,
  type SweepAxis,
} from './range.js';
export {
  inProcessExecutor,
  orderRecords,
  runSweepTask,
  type SweepExecutor,
  type SweepOptions,
  type SweepResult,
  type SweepTaskOptions,
  sweep,
  validateSweepSetup,
} from './run.js';
export {
  CONFIDENCE,
  incompleteBeta,
  logGamma,
  mean,
  meanInterval,
  type PairedTest,
  pairedTTest,
  sampleSd,
  studentTCdf,
  studentTQuantile,
} from './statistics.js';
export type {
  CellSummary,
  CellVerdict,
  Interval,
  PairedComparison,
  SweepCell,
  SweepDivergence,
  SweepEpoch,
  SweepPlan,
  SweepRecord,
  SweepSetup,
  SweepSummary,
  SweepTask,
  SweepTest,
} from './types.js';
