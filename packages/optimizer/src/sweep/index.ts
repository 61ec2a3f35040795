export {
  compareCells,
  countKernels,
  PAIRED_TEST,
  SIGNIFICANCE,
  summarizeSweep,
  UNKNOWN_KERNELS,
} from './aggregate.js';
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
  type InProcessExecutorOptions,
  inProcessExecutor,
  orderRecords,
  runSweepTask,
  type SweepCellTrainer,
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
  KernelCount,
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
