/**
 * `compare --seeds N` (N > 1): the comparison as the one-cell-per-optimizer case of a sweep —
 * every optimizer trained with the same N seeds (common random numbers), ranked on validation
 * accuracy, with intervals and paired tests against the golden pair, the sweep's report and
 * journal (so `dualphi sweep --resume DIR` finishes an interrupted comparison).
 */
import { planSweep, type SweepPlan } from '@dualphi/optimizer';
import { executeSweep } from '../commands/sweep.js';
import { resolveData } from '../data/resolve.js';
import { errorMessage, UsageError } from '../errors.js';
import type { DataOptions, ModelOptions } from '../options/common.js';
import type { CommandContext } from '../program.js';
import { defaultWorkers } from './executor.js';
import { SWEEP_FORMAT_VERSION, type SweepDescription, startSweepDirectory } from './journal.js';

/** What `compare --seeds` needs of compare's options. */
export interface SeededCompareOptions extends DataOptions, ModelOptions {
  optimizers: string[];
  seeds: number;
  workers?: number;
  validationSplit?: number;
  out?: string;
}

/** Runs `compare` over several seeds through the sweep machinery. */
export async function compareAcrossSeeds(
  options: SeededCompareOptions,
  context: CommandContext,
): Promise<void> {
  const validationSplit = options.validationSplit ?? 0;
  if (!(validationSplit > 0)) {
    throw new UsageError(
      '--seeds with --validation-split 0: a comparison over seeds ranks on validation figures; give a fraction in (0, 1) (default 0.1)',
    );
  }
  let plan: SweepPlan;
  try {
    plan = planSweep({
      entries: options.optimizers,
      seeds: options.seeds,
      firstSeed: options.seed,
    });
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
  const data = await resolveData(options, context.env, options.seed);
  const source: SweepDescription['source'] = { data: options.data, seed: options.seed };
  if (options.label !== undefined) source.label = options.label;
  if (options.test !== undefined) source.test = options.test;
  if (options.testSplit !== undefined) source.testSplit = options.testSplit;
  const description: SweepDescription = {
    command: 'sweep',
    formatVersion: SWEEP_FORMAT_VERSION,
    plan,
    settings: {
      hidden: options.hidden,
      activation: options.activation,
      epochs: options.epochs,
      batchSize: options.batch,
      labelSmoothing: options.labelSmoothing,
      validationSplit,
    },
    source,
    data: {
      train: data.split.train.count,
      test: data.split.test.count,
      features: data.split.train.featureCount,
      classes: data.split.train.classCount,
    },
  };
  if (options.out !== undefined) await startSweepDirectory(options.out, description);
  await executeSweep(description, data, context, {
    directory: options.out,
    completed: [],
    workers: options.workers ?? defaultWorkers(),
  });
}
