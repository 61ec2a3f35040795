/**
 * `dualphi compare`: the one-cell-per-optimizer case of a sweep. Every optimizer trains the
 * same network on the same data with the same `--seeds` seeds (common random numbers: a seed
 * gives the same initial weights, batch order and validation rows to each), on `--workers`
 * threads; they are ranked on validation accuracy (the test set only reports), with 95 %
 * intervals and paired tests against the golden pair from two seeds on, and the sweep's
 * journal, files and report under `--out` (so `dualphi sweep --resume DIR` finishes an
 * interrupted comparison).
 */
import { planSweep, type SweepPlan } from '@dualphi/optimizer';
import { resolveData } from '../data/resolve.js';
import { errorMessage, UsageError } from '../errors.js';
import { chooseOptimizer, describeOptimizer } from '../optimizers/choose.js';
import type { DataOptions, ModelOptions, OptimizerName } from '../options/common.js';
import type { CommandContext } from '../program.js';
import { openSweepDirectory, type SweepDirectory } from '../sweep/directory.js';
import { dataShape, describeSweep, executeSweep } from './sweep.js';

/** Options of `compare`. */
export interface CompareCommandOptions extends DataOptions, ModelOptions {
  optimizers: OptimizerName[];
  out?: string;
  /** Let `--out` replace a run or sweep already there (staged, swapped in at the end). */
  overwrite?: boolean;
  /** Seeds per optimizer, from `--seed` on (default 1). */
  seeds?: number;
  /** Worker threads (default: one). */
  workers?: number;
}

/** Runs `compare`. */
export async function compareCommand(
  options: CompareCommandOptions,
  context: CommandContext,
): Promise<void> {
  const { output, env } = context;
  if (options.overwrite && options.out === undefined) {
    throw new UsageError('--overwrite replaces the run in the --out directory: give --out DIR');
  }
  let plan: SweepPlan;
  try {
    plan = planSweep({
      entries: options.optimizers,
      seeds: options.seeds ?? 1,
      firstSeed: options.seed,
    });
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
  const description = describeSweep(plan, options, 'compare');
  const data = await resolveData(options, env, options.seed);
  description.data = dataShape(data);
  let files: SweepDirectory | undefined;
  if (options.out !== undefined) {
    files = await openSweepDirectory(options.out, description, options.overwrite === true, (line) =>
      output.message(output.errorColors.dim(line)),
    );
  }
  await executeSweep(description, data, context, {
    files,
    completed: [],
    workers: options.workers ?? 1,
    command: 'compare',
    described: options.optimizers
      .map((name) => `${name} (${describeOptimizer(chooseOptimizer(name))})`)
      .join(', '),
  });
}
