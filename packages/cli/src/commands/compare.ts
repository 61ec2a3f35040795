/**
 * `dualphi compare`: the same network, data and seed trained with several optimizers, one
 * after the other; a table of the results and, with `--out`, overlaid curves in the report.
 */
import { join } from 'node:path';
import { type TrainResult, train } from '@dualphi/optimizer';
import { resolveData } from '../data/resolve.js';
import { CliError, ExitCode, errorMessage } from '../errors.js';
import { writeFileAtomic } from '../files/atomic.js';
import { epochRecord, metricsCsv } from '../files/metrics.js';
import { prepareOutDirectory, runFiles } from '../files/run-directory.js';
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
  formatAngle,
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
  const data = await resolveData(options, env, options.seed);
  if (options.out !== undefined) await prepareOutDirectory(options.out);
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
  for (const { name, optimizer } of optimizers) {
    const progress = new TrainingProgress(output, options.epochs, name.padEnd(width));
    const interrupt = handleInterrupts(
      output,
      () => progress.stop(),
      'showing the runs that finished',
    );
    let result: TrainResult;
    try {
      result = await train({
        ...modelTrainOptions(options),
        data: data.split,
        optimizer,
        signal: interrupt.signal,
        onBatch: (event) => progress.batch(event),
        onEpoch: (metrics) => progress.epoch(metrics),
      });
    } catch (error) {
      progress.stop();
      // One optimizer diverging is a result of the comparison, not the end of it.
      output.message(output.errorColors.red(`${name}: ${errorMessage(error)}`));
      if (!(error instanceof Error && error.name === 'TrainingDivergedError')) {
        throw new CliError(`${name}: ${errorMessage(error)}`);
      }
      continue;
    } finally {
      interrupt.dispose();
    }
    config = result.config;
    result.model.dispose();
    if (result.aborted) {
      aborted = true;
      break;
    }
    runs.push(compareRun(name, describeOptimizer(optimizer), result));
  }

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
    formatAngle(meanFinite(run.epochs.map((epoch) => epoch.balanceAngle))),
    formatRate(run.final.samplesPerSecond),
    formatSeconds(run.seconds),
  ]);
  output.result();
  output.result(renderTable(resultColumns, rows, c, { alignRight: [2, 3, 4, 5, 6, 7, 8, 9] }));

  if (options.out !== undefined && runs.length > 0) {
    await writeFileAtomic(join(options.out, runFiles.comparisonJson), jsonText(document));
    await writeFileAtomic(
      join(options.out, runFiles.metricsCsv),
      metricsCsv(
        runs.map((run) => ({ name: run.optimizer, epochs: run.epochs })),
        'optimizer',
      ),
    );
    const network = config.network;
    await writeReport(options.out, {
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
    output.message(
      `Wrote ${[runFiles.comparisonJson, runFiles.metricsCsv, runFiles.report, '*.svg'].join(', ')} to ${options.out}`,
    );
  }
  output.document(document);
  if (aborted) throw new CliError('comparison interrupted', ExitCode.interrupted);
}
