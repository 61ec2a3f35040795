/**
 * `dualphi train`: resolve the data, build the optimizer, train with live progress, and with
 * `--out` write metrics, checkpoint, model and report. Ctrl-C saves a checkpoint to resume.
 */
import { join, resolve } from 'node:path';
import {
  type Checkpoint,
  type EpochMetrics,
  encodeModel,
  TrainingDivergedError,
  type TrainOptions,
  type TrainResult,
  train,
} from '@dualphi/optimizer';
import type { Command } from 'commander';
import { resolveData } from '../data/resolve.js';
import { CliError, ExitCode, errorMessage, UsageError } from '../errors.js';
import { writeFileAtomic } from '../files/atomic.js';
import { epochRecord, metricsCsv } from '../files/metrics.js';
import {
  loadCheckpoint,
  prepareOutDirectory,
  runFiles,
  saveCheckpoint,
  saveScaling,
} from '../files/run-directory.js';
import {
  chooseOptimizer,
  describeHyperParameters,
  describeOptimizer,
  optimizerLabel,
} from '../optimizers/choose.js';
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

/** Options of `train` as commander hands them over. */
export interface TrainCommandOptions extends DataOptions, ModelOptions {
  optimizer: OptimizerName;
  lr?: number;
  momentum?: number;
  out?: string;
  resume?: string;
}

/** The `train --json` document (and `metrics.json`); shape kept stable, see the README. */
export interface TrainDocument {
  config: TrainResult['config'] & { source: { data: string; optimizer: string } };
  epochs: ReturnType<typeof epochRecord>[];
  final: TrainResult['final'];
  aborted: boolean;
  outputDirectory?: string;
}

/** Flags that describe the network or the run and so must not contradict a checkpoint. */
const fixedByCheckpoint = [
  'hidden',
  'activation',
  'batch',
  'seed',
  'labelSmoothing',
  'optimizer',
  'lr',
  'momentum',
] as const;

function explicitlyGiven(command: Command, name: string): boolean {
  return command.getOptionValueSource(name) === 'cli';
}

function defaultInterruptDirectory(): string {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\..*$/, '')
    .replace('T', '-');
  return resolve(`dualphi-run-${stamp}`);
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/** `digits` or `fashion-mnist` when a data set name ("digits (train)") is one of them. */
function builtInSource(name: string | undefined): string | undefined {
  const base = name?.replace(/ \((train|test)\)$/, '');
  return base === 'digits' || base === 'fashion-mnist' ? base : undefined;
}

/** The command line that continues a saved run. */
function resumeCommand(directory: string, options: TrainCommandOptions): string {
  const parts = ['dualphi', 'train', '--resume', shellQuote(directory)];
  if (options.data !== 'digits' && options.data !== 'fashion-mnist') {
    parts.push('--data', shellQuote(options.data));
  }
  if (options.label !== undefined) parts.push('--label', shellQuote(options.label));
  if (options.test !== undefined) parts.push('--test', shellQuote(options.test));
  if (options.testSplit !== undefined) parts.push('--test-split', String(options.testSplit));
  return parts.join(' ');
}

/** Builds the JSON document of a finished (or aborted) run. */
export function trainDocument(
  result: Pick<TrainResult, 'config' | 'epochs' | 'final' | 'aborted'>,
  source: { data: string; optimizer: string },
  outputDirectory?: string,
): TrainDocument {
  const document: TrainDocument = {
    config: { ...result.config, source },
    epochs: result.epochs.map((metrics) => epochRecord(metrics)),
    final: result.final,
    aborted: result.aborted,
  };
  if (outputDirectory !== undefined) document.outputDirectory = outputDirectory;
  return document;
}

/** Writes metrics.json, metrics.csv, report.html and the charts of a run. */
async function writeRunFiles(
  directory: string,
  document: TrainDocument,
  dataName: string,
): Promise<void> {
  await writeFileAtomic(join(directory, runFiles.metricsJson), jsonText(document));
  await writeFileAtomic(
    join(directory, runFiles.metricsCsv),
    metricsCsv([{ name: document.config.source.optimizer, epochs: document.epochs }]),
  );
  const last = document.epochs.at(-1);
  const network = document.config.network;
  await writeReport(directory, {
    title: `dualphi train — ${dataName}, ${document.config.source.optimizer}`,
    summary:
      `A ${[network.inputSize, ...network.hidden, network.outputSize].join('-')} network (${network.activation}) trained ` +
      `for ${document.epochs.length} epoch(s) with ${document.config.source.optimizer} ` +
      `(${describeHyperParameters(document.config.optimizer)}), batch ${document.config.batchSize}, seed ${document.config.seed}` +
      (document.aborted ? '; interrupted before the last epoch.' : '.'),
    tables: [
      {
        caption: 'Result',
        head: ['epochs', 'test accuracy', 'test loss', 'divergence', 'entropy', 'samples/s'],
        rows: last
          ? [
              [
                String(last.epoch),
                formatPercent(last.testAccuracy),
                formatNats(last.testLoss),
                formatNats(last.divergence),
                formatNats(last.entropy),
                formatRate(document.final.samplesPerSecond),
              ],
            ]
          : [],
      },
      {
        caption: 'Epochs',
        head: [
          'epoch',
          'train loss',
          'test loss',
          'test accuracy',
          'divergence',
          'entropy',
          'prediction entropy',
          'balance',
          'time',
        ],
        rows: document.epochs.map((epoch) => [
          String(epoch.epoch),
          formatNats(epoch.trainLoss),
          formatNats(epoch.testLoss),
          formatPercent(epoch.testAccuracy),
          formatNats(epoch.divergence),
          formatNats(epoch.entropy),
          formatNats(epoch.predictionEntropy),
          formatDegrees(epoch.balanceDegrees),
          formatSeconds(epoch.seconds),
        ]),
      },
      {
        caption: 'Data',
        head: ['set', 'samples', 'features', 'classes'],
        rows: (['train', 'test'] as const).map((part) => {
          const summary = document.config.data[part];
          return [
            summary.name ?? part,
            String(summary.count),
            String(summary.featureCount),
            String(summary.classCount),
          ];
        }),
      },
    ],
    runs: [{ name: document.config.source.optimizer, epochs: document.epochs }],
  });
}

/** Runs `train`. */
export async function trainCommand(
  options: TrainCommandOptions,
  context: CommandContext,
  command: Command,
): Promise<void> {
  const { output, env } = context;
  let resume: Checkpoint | undefined;
  if (options.resume !== undefined) {
    resume = await loadCheckpoint(options.resume);
    const conflicting = fixedByCheckpoint.filter((name) => explicitlyGiven(command, name));
    if (conflicting.length > 0) {
      throw new UsageError(
        `--resume continues the run as it was configured; drop ${conflicting
          .map((name) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`)
          .join(', ')} (only --epochs, --out and the data flags may be given)`,
      );
    }
  }
  const outDirectory = options.out ?? options.resume;
  if (resume && !explicitlyGiven(command, 'data')) {
    // The built-in data sets are recognised from the checkpoint; paths must be given again.
    const known = builtInSource(resume.config.data.train.name);
    if (!known) {
      // Files are not recorded in the checkpoint; falling back to digits would only report
      // a shape mismatch.
      throw new UsageError(
        `--resume ${options.resume}: the run was trained on ${resume.config.data.train.name ?? 'a data file'}; give --data (and for CSV --label, --test or --test-split) as when it started`,
      );
    }
    options.data = known;
  }
  // The optimizer's flags are checked before any data is read or directory made: a refused
  // --lr (say 1e-46, which f32 rounds to 0) must leave nothing behind.
  const optimizer = resume
    ? undefined
    : chooseOptimizer(options.optimizer, { lr: options.lr, momentum: options.momentum });
  const data = await resolveData(options, env, resume?.config.seed ?? options.seed);
  if (options.out !== undefined) await prepareOutDirectory(options.out);

  const trainOptions: TrainOptions = { data: data.split };
  if (optimizer === undefined) {
    // Resuming: the network, optimizer and settings come from the checkpoint.
    trainOptions.resume = resume;
    // Not in the checkpoint: results are the same on any thread count.
    trainOptions.threads = options.threads;
    if (explicitlyGiven(command, 'epochs')) trainOptions.epochs = options.epochs;
  } else {
    Object.assign(trainOptions, { optimizer, ...modelTrainOptions(options) });
    output.message(
      output.errorColors.dim(
        `Training on ${data.name} (${data.split.train.count} train / ${data.split.test.count} test samples, ` +
          `${data.split.train.featureCount} features, ${data.split.train.classCount} classes) with ` +
          `${options.optimizer} (${describeOptimizer(optimizer)}), hidden ${options.hidden.join(',') || 'none'}, ` +
          `batch ${options.batch}, seed ${options.seed}.`,
      ),
    );
  }
  if (resume) {
    output.message(
      output.errorColors.dim(
        `Resuming ${options.resume} at epoch ${resume.epoch + 1}${resume.batch > 0 ? `, batch ${resume.batch + 1}` : ''} ` +
          `with ${optimizerLabel(resume.config.optimizer)}.`,
      ),
    );
  }

  const totalEpochs = trainOptions.epochs ?? resume?.config.epochs ?? options.epochs;
  const progress = new TrainingProgress(output, totalEpochs);
  const interrupt = handleInterrupts(output, () => progress.stop());
  trainOptions.signal = interrupt.signal;
  trainOptions.onBatch = (event) => progress.batch(event);
  trainOptions.onEpoch = (metrics: EpochMetrics) => progress.epoch(metrics);

  // The handler stays until the files are written, so that a second Ctrl-C while a
  // checkpoint is being saved still quits with a message.
  try {
    await runAndSave(trainOptions, progress, { options, context, data, resume, outDirectory });
  } finally {
    interrupt.dispose();
  }
}

/** What {@link runAndSave} needs from the command. */
interface RunContext {
  options: TrainCommandOptions;
  context: CommandContext;
  data: Awaited<ReturnType<typeof resolveData>>;
  resume: Checkpoint | undefined;
  outDirectory: string | undefined;
}

/** Trains, then writes and prints the results (or the checkpoint of an interrupted run). */
async function runAndSave(
  trainOptions: TrainOptions,
  progress: TrainingProgress,
  { options, context, data, resume, outDirectory }: RunContext,
): Promise<void> {
  const { output } = context;
  let result: TrainResult;
  try {
    result = await train(trainOptions);
  } catch (error) {
    progress.stop();
    if (error instanceof TrainingDivergedError) {
      const reason = error.message.replace(/;? error\.lastGood holds.*$/, '.');
      // Keep the last good state only where the user asked for files.
      if (outDirectory === undefined) throw new CliError(reason);
      const path = await saveCheckpoint(outDirectory, error.lastGood);
      throw new CliError(`${reason} The last good state is saved in ${path}.`);
    }
    if (error instanceof RangeError || error instanceof TypeError) {
      // Options or data the training engine rejects (its message names the field).
      throw new CliError(errorMessage(error));
    }
    throw error;
  }

  const source = {
    data: options.data,
    optimizer: resume ? optimizerLabel(resume.config.optimizer) : options.optimizer,
  };
  try {
    if (result.aborted) {
      const directory = outDirectory ?? defaultInterruptDirectory();
      const checkpointPath = await saveCheckpoint(directory, result.checkpoint());
      if (data.scaling) await saveScaling(directory, data.scaling);
      const document = trainDocument(result, source, directory);
      if (result.epochs.length > 0) await writeRunFiles(directory, document, data.name);
      output.document(document);
      output.message(`Checkpoint saved to ${checkpointPath}`);
      output.message(`Resume with: ${resumeCommand(directory, options)}`, { wrap: false });
      throw new CliError('training interrupted', ExitCode.interrupted);
    }
    const document = trainDocument(result, source, outDirectory);
    if (outDirectory !== undefined) {
      await saveCheckpoint(outDirectory, result.checkpoint());
      await writeFileAtomic(
        join(outDirectory, runFiles.model),
        encodeModel(result.model, { classNames: data.split.train.classNames }),
      );
      if (data.scaling) await saveScaling(outDirectory, data.scaling);
      await writeRunFiles(outDirectory, document, data.name);
    }
    output.document(document);
    const c = output.colors;
    const seconds = result.epochs.reduce((sum, epoch) => sum + epoch.seconds, 0);
    output.result(
      `${c.bold('Test accuracy')} ${c.green(formatPercent(result.final.testAccuracy))} ` +
        `(test loss ${formatNats(result.final.testLoss)} nats) after ${result.epochs.length} epoch${result.epochs.length === 1 ? '' : 's'}, ` +
        `${formatRate(result.final.samplesPerSecond)} samples/s, ${formatSeconds(seconds)} training.`,
    );
    if (outDirectory !== undefined) {
      output.message(
        `Wrote ${[runFiles.metricsJson, runFiles.metricsCsv, runFiles.checkpoint, runFiles.model, runFiles.report, '*.svg'].join(', ')} to ${outDirectory}`,
      );
    }
  } finally {
    result.model.dispose();
  }
}
