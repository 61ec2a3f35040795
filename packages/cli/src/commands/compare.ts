/**
 * `dualphi compare`: the same network, data and seed trained with several optimizers, one
 * after the other; a table of the results and, with `--out`, overlaid curves in the report.
 */
import { join } from 'node:path';
import { getDefaultKernels, type TrainResult, train } from '@dualphi/optimizer';
import { resolveData } from '../data/resolve.js';
import { CliError, errorMessage, UsageError } from '../errors.js';
import { writeFileAtomic } from '../files/atomic.js';
import { epochRecord, metricsCsv } from '../files/metrics.js';
import {
  existingRunFiles,
  prepareOutDirectory,
  runFiles,
  saveScaling,
} from '../files/run-directory.js';
import {
  dualphiVersion,
  RUN_RECORD_VERSION,
  type RunRecord,
  recordedData,
  recordedOptimizer,
  recordedSplit,
  runRecordText,
} from '../files/run-record.js';
import { stageRun, writeStaged } from '../files/staging.js';
import { chooseOptimizer, describeOptimizer } from '../optimizers/choose.js';
import {
  type DataOptions,
  type ModelOptions,
  modelTrainOptions,
  type OptimizerName,
} from '../options/common.js';
import type { CommandContext } from '../program.js';
import { writeReport } from '../report/html.js';
import {
  formatDegrees,
  formatNats,
  formatPercent,
  formatRate,
  formatSeconds,
} from '../terminal/format.js';
import { handleInterrupts } from '../terminal/interrupt.js';
import { jsonText } from '../terminal/output.js';
import { TrainingProgress } from '../terminal/progress.js';
import { renderTable } from '../terminal/table.js';

/** Options of `compare`. */
export interface CompareCommandOptions extends DataOptions, ModelOptions {
  optimizers: OptimizerName[];
  out?: string;
  overwrite?: boolean;
  /** Seeds per optimizer; more than 1 runs the comparison as a sweep (intervals, tests). */
  seeds?: number;
  /** Worker threads for `--seeds` > 1. */
  workers?: number;
}

/** One optimizer's run in the `compare --json` document. */
export interface CompareRun {
  optimizer: OptimizerName;
  /** The hyper-parameters in short, e.g. "η=0.01587 α=0.874". */
  settings: string;
  hyperParameters: Record<string, number | boolean>;
  epochs: ReturnType<typeof epochRecord>[];
  final: TrainResult['final'];
  /** The epoch of highest validation accuracy (0 without a validation split: nothing chosen). */
  bestEpoch: number;
  /** Validation accuracy at `bestEpoch` (NaN without a validation split). */
  bestValidationAccuracy: number;
  /** Test accuracy at `bestEpoch`, reported, never used to choose (NaN without validation). */
  testAccuracyAtBest: number;
  seconds: number;
}

/** The `compare --json` document (and `comparison.json`). */
export interface CompareDocument {
  config: Omit<TrainResult['config'], 'optimizer'> & { source: { data: string } };
  runs: CompareRun[];
  aborted: boolean;
}

/** Columns of the result table, on the terminal and in the report alike. */
const resultColumns = [
  'optimizer',
  'settings',
  'test accuracy',
  'best val. (epoch)',
  'test there',
  'test loss',
  'divergence',
  'balance',
  'samples/s',
  'time',
];

function meanFinite(values: readonly number[]): number {
  const finite = values.filter((value) => Number.isFinite(value));
  return finite.length === 0 ? Number.NaN : finite.reduce((a, b) => a + b, 0) / finite.length;
}

function compareRun(name: OptimizerName, settings: string, result: TrainResult): CompareRun {
  // The best epoch is chosen on the validation set only; the test set never chooses.
  let best = -1;
  result.epochs.forEach((epoch, index) => {
    const accuracy = epoch.validationAccuracy;
    if (accuracy === undefined) return;
    if (best < 0 || accuracy > (result.epochs[best].validationAccuracy as number)) best = index;
  });
  const chosen = best >= 0 ? result.epochs[best] : undefined;
  return {
    optimizer: name,
    settings,
    hyperParameters: { ...result.config.optimizer.hyperParameters },
    epochs: result.epochs.map((epoch) => epochRecord(epoch)),
    final: result.final,
    bestEpoch: chosen?.epoch ?? 0,
    bestValidationAccuracy: chosen?.validationAccuracy ?? Number.NaN,
    testAccuracyAtBest: chosen?.testAccuracy ?? Number.NaN,
    seconds: result.epochs.reduce((sum, epoch) => sum + epoch.seconds, 0),
  };
}

/** Runs `compare`. */
export async function compareCommand(
  options: CompareCommandOptions,
  context: CommandContext,
): Promise<void> {
  if ((options.seeds ?? 1) > 1) {
    const { compareAcrossSeeds } = await import('../sweep/compare-seeds.js');
    await compareAcrossSeeds({ ...options, seeds: options.seeds ?? 1 }, context);
    return;
  }
  const { output, env } = context;
  const startedAt = new Date().toISOString();
  if (options.overwrite && options.out === undefined) {
    throw new UsageError('--overwrite replaces the run in the --out directory: give --out DIR');
  }
  const data = await resolveData(options, env, options.seed);
  if (options.out !== undefined) {
    await prepareOutDirectory(options.out);
    const existing = options.overwrite ? [] : await existingRunFiles(options.out);
    if (existing.length > 0) {
      throw new UsageError(
        `--out ${options.out} already holds a run (${existing.join(', ')}): replace it with --overwrite, or choose another directory`,
      );
    }
  }
  const optimizers = options.optimizers.map((name) => ({ name, optimizer: chooseOptimizer(name) }));
  output.message(
    output.errorColors.dim(
      `Comparing ${optimizers.map(({ name, optimizer }) => `${name} (${describeOptimizer(optimizer)})`).join(', ')} ` +
        `on ${data.name}: hidden ${options.hidden.join(',') || 'none'}, ${options.activation}, ` +
        `${options.epochs} epochs, batch ${options.batch}, seed ${options.seed}. ` +
        ((options.validationSplit ?? 0) > 0
          ? `The best epoch is chosen on a validation split (${formatPercent(options.validationSplit ?? 0)} of each class of the training data); the test set only reports.`
          : 'No validation split: no best epoch is chosen.'),
    ),
  );

  const runs: CompareRun[] = [];
  let config: TrainResult['config'] | undefined;
  let aborted = false;
  const width = Math.max(...optimizers.map(({ name }) => name.length));
  // One handler for the whole comparison, so a signal between two runs is caught too.
  let progress: TrainingProgress | undefined;
  const interrupt = handleInterrupts(
    output,
    () => progress?.stop(),
    'showing the runs that finished',
  );
  try {
    for (const { name, optimizer } of optimizers) {
      if (interrupt.signal.aborted) {
        aborted = true;
        break;
      }
      const bar = new TrainingProgress(output, options.epochs, name.padEnd(width));
      progress = bar;
      let result: TrainResult;
      try {
        result = await train({
          ...modelTrainOptions(options),
          data: data.split,
          optimizer,
          signal: interrupt.signal,
          onBatch: (event) => bar.batch(event),
          onEpoch: (metrics) => bar.epoch(metrics),
        });
      } catch (error) {
        bar.stop();
        // One optimizer diverging is a result of the comparison, not the end of it.
        output.message(output.errorColors.red(`${name}: ${errorMessage(error)}`));
        if (!(error instanceof Error && error.name === 'TrainingDivergedError')) {
          throw new CliError(`${name}: ${errorMessage(error)}`);
        }
        continue;
      }
      config = result.config;
      result.model.dispose();
      if (result.aborted) {
        aborted = true;
        break;
      }
      runs.push(compareRun(name, describeOptimizer(optimizer), result));
    }
    // The handler stays while the files are written: a second signal then quits at once,
    // leaving the --out directory as it was.
    await finish(
      { options, context, data, optimizers, runs, config, aborted, startedAt },
      interrupt,
    );
  } finally {
    interrupt.dispose();
  }
}

/** What {@link finish} needs: the comparison's outcome. */
interface Outcome {
  options: CompareCommandOptions;
  context: CommandContext;
  data: Awaited<ReturnType<typeof resolveData>>;
  optimizers: { name: OptimizerName; optimizer: ReturnType<typeof chooseOptimizer> }[];
  runs: CompareRun[];
  config: TrainResult['config'] | undefined;
  aborted: boolean;
  startedAt: string;
}

/** Prints the table and the document and writes the files of `--out`. */
async function finish(
  { options, context, data, optimizers, runs, config, aborted, startedAt }: Outcome,
  interrupt: ReturnType<typeof handleInterrupts>,
): Promise<void> {
  const { output } = context;
  if (!config) throw new CliError('no optimizer finished a run');
  const { optimizer: _unused, ...sharedConfig } = config;
  const document: CompareDocument = {
    config: { ...sharedConfig, source: { data: options.data } },
    runs,
    aborted,
  };

  const c = output.colors;
  const rows = runs.map((run) => [
    run.optimizer,
    run.settings,
    formatPercent(run.final.testAccuracy),
    run.bestEpoch > 0 ? `${formatPercent(run.bestValidationAccuracy)} (${run.bestEpoch})` : '—',
    run.bestEpoch > 0 ? formatPercent(run.testAccuracyAtBest) : '—',
    formatNats(run.final.testLoss),
    formatNats(run.epochs.at(-1)?.divergence ?? Number.NaN),
    formatDegrees(meanFinite(run.epochs.map((epoch) => epoch.balanceDegrees))),
    formatRate(run.final.samplesPerSecond),
    formatSeconds(run.seconds),
  ]);
  output.result();
  output.result(
    renderTable(resultColumns, rows, c, {
      alignRight: [2, 3, 4, 5, 6, 7, 8, 9],
      width: output.resultWidth,
      shortHead: { 2: 'accuracy', 3: 'best val.', 4: 'test', 5: 'loss', 6: 'KL' },
      // Narrow terminals: the divergence (= test loss with one-hot labels) goes first.
      dropOrder: [6, 8, 9, 4, 3, 1, 5],
    }),
  );

  if (options.out !== undefined && runs.length > 0) {
    const kernels = await getDefaultKernels();
    const record: RunRecord = {
      version: RUN_RECORD_VERSION,
      command: 'compare',
      status: aborted ? 'interrupted' : 'finished',
      dualphi: dualphiVersion(),
      kernels: kernels.name,
      startedAt,
      endedAt: new Date().toISOString(),
      data: recordedData(options),
      source: {
        name: data.name,
        origin: data.origin,
        train: config.data.train,
        test: config.data.test,
      },
      split: recordedSplit(options, options.seed),
      scaling: data.scaling ? { method: 'standard', file: runFiles.scaling } : { method: 'source' },
      network: config.network,
      optimizers: optimizers.map(({ optimizer }) => recordedOptimizer(optimizer.toConfig())),
      epochs: options.epochs,
      epochsCompleted: Math.max(0, ...runs.map((run) => run.epochs.length)),
      batchSize: config.batchSize,
      seed: config.seed,
      labelSmoothing: config.labelSmoothing,
    };
    // Staged beside --out and swapped in whole, like train's run directories.
    const staged = await stageRun(options.out);
    await writeStaged(
      staged,
      async () => {
        await writeComparison(
          staged.directory,
          record,
          document,
          rows,
          runs,
          data,
          config,
          options,
        );
        await staged.commit();
      },
      'the comparison',
    );
    output.message(
      `Wrote ${[runFiles.run, runFiles.comparisonJson, runFiles.metricsCsv, runFiles.report, '*.svg'].join(', ')} to ${options.out}`,
    );
  }
  output.document(document);
  if (aborted) throw new CliError('comparison interrupted', interrupt.exitCode);
}

/** Writes the files of a comparison into `directory`. */
async function writeComparison(
  directory: string,
  record: RunRecord,
  document: CompareDocument,
  rows: string[][],
  runs: readonly CompareRun[],
  data: Awaited<ReturnType<typeof resolveData>>,
  config: TrainResult['config'],
  options: CompareCommandOptions,
): Promise<void> {
  const aborted = document.aborted;
  await writeFileAtomic(join(directory, runFiles.comparisonJson), jsonText(document));
  if (data.scaling) await saveScaling(directory, data.scaling);
  await writeFileAtomic(
    join(directory, runFiles.metricsCsv),
    metricsCsv(
      runs.map((run) => ({ name: run.optimizer, epochs: run.epochs })),
      'optimizer',
    ),
  );
  const network = config.network;
  await writeReport(directory, {
    title: `dualphi compare — ${data.name}`,
    summary:
      `The same ${[network.inputSize, ...network.hidden, network.outputSize].join('-')} network (${network.activation}), ` +
      `data and seed ${config.seed}, trained for ${options.epochs} epoch(s) at batch ${config.batchSize} with each optimizer.` +
      ((options.validationSplit ?? 0) > 0
        ? ' The best epoch is chosen on the validation split; test figures are reported, never used to choose.'
        : '') +
      (aborted ? ' Interrupted: only the finished runs are shown.' : ''),
    tables: [
      {
        caption: 'Result',
        head: resultColumns,
        rows,
      },
    ],
    runs: runs.map((run) => ({ name: run.optimizer, epochs: run.epochs })),
  });
  await writeFileAtomic(join(directory, runFiles.run), runRecordText(record));
}
