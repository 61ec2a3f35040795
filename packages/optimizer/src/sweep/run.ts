/**
 * Running a sweep: one (cell, seed) task is one `train()` call; an executor runs many tasks
 * (in this process by default; the CLI's worker-thread executor runs them in parallel). No
 * Node built-ins here: this module runs in a browser or a Web Worker as well.
 */
import type { Kernels } from '@dualphi/core-wasm';
import { resolveKernels } from '../kernels.js';
import { optimizerFromConfig } from '../optimizers/config.js';
import { TrainingDivergedError } from '../training/errors.js';
import { train } from '../training/train.js';
import { summarizeSweep } from './aggregate.js';
import { sweepTasks, taskKey } from './plan.js';
import type { SweepPlan, SweepRecord, SweepSetup, SweepSummary, SweepTask } from './types.js';

const now = (): number => performance.now();

/** The thread count of a kernel set (the wasm kernels report theirs; others run on one). */
function threadsOf(kernels: Kernels): number {
  const threads = (kernels as { threads?: unknown }).threads;
  return typeof threads === 'number' && Number.isSafeInteger(threads) && threads > 0 ? threads : 1;
}

/** Options of {@link runSweepTask}. */
export interface SweepTaskOptions {
  /** Kernel set to compute with (default: the shared wasm kernels). */
  kernels?: Kernels;
  /** Stops the run between two batches; the task then resolves to `undefined`. */
  signal?: AbortSignal;
}

/**
 * Checks the shared settings of a sweep.
 *
 * @throws RangeError when there is no validation split: a sweep ranks by validation figures.
 */
export function validateSweepSetup(setup: SweepSetup): void {
  if (!(setup.validationSplit > 0 && setup.validationSplit < 1)) {
    throw new RangeError(
      `a sweep ranks its cells on a validation split: "validationSplit" must be in (0, 1), got ${String(setup.validationSplit)}`,
    );
  }
}

/**
 * Trains one (cell, seed) and returns its record; `undefined` when aborted (an aborted run
 * is not a result). A divergence is a result: the record holds the epochs done and where it
 * diverged.
 *
 * @throws RangeError / TypeError for invalid settings or data (from `train`).
 */
export async function runSweepTask(
  setup: SweepSetup,
  task: SweepTask,
  options: SweepTaskOptions = {},
): Promise<SweepRecord | undefined> {
  validateSweepSetup(setup);
  const started = now();
  // Resolved here so that the record names the build that computed it (see SweepRecord.kernels).
  const kernels = await resolveKernels(options.kernels);
  const epochs: SweepRecord['epochs'] = [];
  const record = (): SweepRecord => ({
    cellId: task.cellId,
    seed: task.seed,
    epochs,
    seconds: (now() - started) / 1000,
    kernels: kernels.name,
    threads: threadsOf(kernels),
  });
  try {
    const result = await train({
      data: setup.data,
      hidden: setup.hidden,
      activation: setup.activation,
      epochs: setup.epochs,
      batchSize: setup.batchSize,
      labelSmoothing: setup.labelSmoothing,
      validationSplit: setup.validationSplit,
      seed: task.seed,
      optimizer: optimizerFromConfig(task.optimizer),
      kernels,
      signal: options.signal,
      // Yield rarely: a sweep has no per-batch display to keep alive.
      yieldEvery: 64,
      onEpoch: (metrics) => {
        epochs.push({
          epoch: metrics.epoch,
          trainLoss: metrics.trainLoss,
          validationLoss: metrics.validationLoss ?? Number.NaN,
          validationAccuracy: metrics.validationAccuracy ?? Number.NaN,
          testLoss: metrics.testLoss,
          testAccuracy: metrics.testAccuracy,
        });
      },
    });
    result.model.dispose();
    return result.aborted ? undefined : record();
  } catch (error) {
    if (error instanceof TrainingDivergedError) {
      return {
        ...record(),
        diverged: { epoch: error.epoch, batch: error.batch, quantity: error.quantity },
      };
    }
    throw error;
  }
}

/**
 * Runs tasks and hands over each record as it finishes (in any order). Implementations:
 * {@link inProcessExecutor} here; the CLI adds one over worker threads, a web page can add
 * one over Web Workers.
 */
export interface SweepExecutor {
  /**
   * Runs every task; resolves when all are done or, after `signal` aborts, when the running
   * ones have stopped (unfinished tasks deliver no record).
   */
  run(
    setup: SweepSetup,
    tasks: readonly SweepTask[],
    onRecord: (record: SweepRecord) => void | Promise<void>,
    signal?: AbortSignal,
  ): Promise<void>;
}

/**
 * Trains one (cell, seed) of a sweep and returns its record (`undefined` when aborted): the
 * built-in MLP engine is {@link runSweepTask}; `@dualphi/tfjs-adapter`'s `tfjsCellTrainer`
 * trains a user's TensorFlow.js model instead. A trainer must give the same figures for the
 * same task (common random numbers: the seed fixes initial weights, batch order and
 * validation rows whatever the cell).
 */
export type SweepCellTrainer = (
  setup: SweepSetup,
  task: SweepTask,
  options: SweepTaskOptions,
) => Promise<SweepRecord | undefined>;

/** Options of {@link inProcessExecutor}. */
export interface InProcessExecutorOptions {
  /** Kernel set of the built-in engine (default: the shared wasm kernels). */
  kernels?: Kernels;
  /** How a cell is trained (default: {@link runSweepTask}, the built-in MLP engine). */
  trainCell?: SweepCellTrainer;
}

/** An executor that runs tasks one after the other in this thread. */
export function inProcessExecutor(options: InProcessExecutorOptions = {}): SweepExecutor {
  const trainCell = options.trainCell ?? runSweepTask;
  return {
    async run(setup, tasks, onRecord, signal) {
      for (const task of tasks) {
        if (signal?.aborted) return;
        const record = await trainCell(setup, task, { kernels: options.kernels, signal });
        if (record) await onRecord(record);
      }
    },
  };
}

/** Options of {@link sweep}. */
export interface SweepOptions {
  /** What to train (see `planSweep`). */
  plan: SweepPlan;
  /** The settings every cell shares. */
  setup: SweepSetup;
  /** How to run the tasks. Default: {@link inProcessExecutor} with {@link SweepOptions.trainCell}. */
  executor?: SweepExecutor;
  /**
   * How a cell is trained when no `executor` is given (default: the built-in MLP engine);
   * e.g. `tfjsCellTrainer(buildModel)` of `@dualphi/tfjs-adapter` for a TensorFlow.js model.
   */
  trainCell?: SweepCellTrainer;
  /** Records already finished (a resumed sweep): their tasks are not run again. */
  completed?: readonly SweepRecord[];
  /** Called with each new record as it finishes (e.g. to store it). */
  onRecord?: (record: SweepRecord) => void | Promise<void>;
  /** Stops the sweep; the result then has `complete: false`. */
  signal?: AbortSignal;
}

/** What {@link sweep} returns. */
export interface SweepResult {
  /** The plan. */
  plan: SweepPlan;
  /** Every finished record, in plan order (cell by cell, seed by seed), whatever the finishing order. */
  records: SweepRecord[];
  /** Statistics, ranking and verdict over the records. */
  summary: SweepSummary;
  /** True when every (cell, seed) has a record. */
  complete: boolean;
}

/**
 * Puts records in plan order and drops any that are not part of the plan or repeat a task.
 */
export function orderRecords(plan: SweepPlan, records: readonly SweepRecord[]): SweepRecord[] {
  const byKey = new Map<string, SweepRecord>();
  for (const record of records) {
    if (!byKey.has(taskKey(record))) byKey.set(taskKey(record), record);
  }
  const ordered: SweepRecord[] = [];
  for (const task of sweepTasks(plan)) {
    const record = byKey.get(taskKey(task));
    if (record) ordered.push(record);
  }
  return ordered;
}

/**
 * Runs a sweep: every (cell, seed) of the plan not in `completed`, through the executor, then
 * the statistics and the verdict (see `summarizeSweep`).
 *
 * @throws RangeError for a setup without validation split; errors of a task other than a
 *   divergence.
 */
export async function sweep(options: SweepOptions): Promise<SweepResult> {
  const { plan, setup } = options;
  validateSweepSetup(setup);
  const known = orderRecords(plan, options.completed ?? []);
  const done = new Set(known.map(taskKey));
  const pending = sweepTasks(plan).filter((task) => !done.has(taskKey(task)));
  const fresh: SweepRecord[] = [];
  const executor = options.executor ?? inProcessExecutor({ trainCell: options.trainCell });
  await executor.run(
    setup,
    pending,
    async (record) => {
      fresh.push(record);
      await options.onRecord?.(record);
    },
    options.signal,
  );
  const records = orderRecords(plan, [...known, ...fresh]);
  return {
    plan,
    records,
    summary: summarizeSweep(plan, records),
    complete: records.length === plan.cells.length * plan.seeds.length,
  };
}
