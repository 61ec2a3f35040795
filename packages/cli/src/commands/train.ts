/**
 * `dualphi train`: resolve the data, build the optimizer, train with live progress, and with
 * `--out` write the run directory (run.json, metrics, checkpoint, model and report) — staged
 * beside it and swapped in when the run ends, so it always holds exactly one run. Ctrl-C,
 * SIGTERM and SIGHUP save a checkpoint to resume.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { KernelBuildOption } from '@dualphi/core-wasm';
import {
  type Checkpoint,
  type EpochMetrics,
  encodeModel,
  getDefaultKernels,
  type Optimizer,
  type ScheduleKind,
  TrainingDivergedError,
  type TrainOptions,
  type TrainResult,
  train,
} from '@dualphi/optimizer';
import type { Command } from 'commander';
import { resolveData } from '../data/resolve.js';
import { CliError, errorMessage, UsageError } from '../errors.js';
import { writeFileAtomic } from '../files/atomic.js';
import { chosenBuild, resumeBuild } from '../files/kernel-build.js';
import { epochRecord, metricsCsv } from '../files/metrics.js';
import {
  existingRunFiles,
  loadCheckpoint,
  loadScaling,
  prepareOutDirectory,
  runFiles,
  saveCheckpoint,
  saveScaling,
} from '../files/run-directory.js';
import {
  checkDataFlags,
  dataOptionNames,
  dataOptionsOf,
  dualphiVersion,
  flagName,
  RUN_RECORD_VERSION,
  type RunRecord,
  type RunStatus,
  readRunRecord,
  recordedData,
  recordedOptimizer,
  recordedSplit,
  runRecordText,
} from '../files/run-record.js';
import {
  fileErrorReason,
  recoverInterruptedOverwrite,
  type StagedRun,
  stageRun,
  writeStaged,
} from '../files/staging.js';
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
import { type ExplosionWatch, watchExplosion } from '../training/exploding-loss.js';

/** Options of `train` as commander hands them over. */
export interface TrainCommandOptions extends DataOptions, ModelOptions {
  optimizer: OptimizerName;
  lr?: number;
  momentum?: number;
  schedule?: ScheduleKind;
  warmup?: number;
  clipNorm?: number;
  weightDecay?: number;
  out?: string;
  resume?: string;
  overwrite?: boolean;
  stopOnDivergence?: boolean;
  /** The kernel build (`--kernels`): `auto`, `simd128` or `relaxed-simd`. */
  kernels?: KernelBuildOption;
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
  'validationSplit',
  'optimizer',
  'lr',
  'momentum',
  'schedule',
  'warmup',
  'clipNorm',
  'weightDecay',
] as const;

/** A {@link fixedByCheckpoint} flag's value as given, in the words of the command line. */
function givenValue(
  options: TrainCommandOptions,
  name: (typeof fixedByCheckpoint)[number],
): string {
  if (name === 'hidden') return options.hidden.join(',') || '0';
  return String(options[name]);
}

/** The same setting as the checkpoint has it (so that repeating it is not a contradiction). */
function checkpointValue(checkpoint: Checkpoint, name: (typeof fixedByCheckpoint)[number]): string {
  const { config } = checkpoint;
  const hyperParameters = config.optimizer.hyperParameters;
  switch (name) {
    case 'hidden':
      return config.network.hidden.join(',') || '0';
    case 'activation':
      return config.network.activation;
    case 'batch':
      return String(config.batchSize);
    case 'seed':
      return String(config.seed);
    case 'labelSmoothing':
      return String(config.labelSmoothing);
    case 'validationSplit':
      return String(config.validationSplit ?? 0);
    case 'optimizer':
      return optimizerLabel(config.optimizer);
    case 'lr':
      return String(hyperParameters.learningRate);
    case 'momentum':
      return String(hyperParameters.momentum);
    case 'schedule':
      return String(config.optimizer.transforms?.schedule?.kind);
    case 'warmup':
      return String(config.optimizer.transforms?.schedule?.warmupSteps);
    case 'clipNorm':
      return String(config.optimizer.transforms?.clipNorm);
    case 'weightDecay':
      // The optimizer's own option where it has one (AdamW, Lion…), else the decoupled transform.
      return String(hyperParameters.weightDecay ?? config.optimizer.transforms?.weightDecay);
  }
}

function explicitlyGiven(command: Command, name: string): boolean {
  return command.getOptionValueSource(name) === 'cli';
}

/**
 * A new directory for an interrupted run without `--out`: `dualphi-run-YYYYMMDD-HHMMSS`, with
 * `-2`, `-3`, … when that exists (created here, so two runs stopped in the same second cannot
 * share one).
 */
async function createInterruptDirectory(): Promise<string> {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\..*$/, '')
    .replace('T', '-');
  for (let n = 1; ; n++) {
    const directory = resolve(`dualphi-run-${stamp}${n === 1 ? '' : `-${n}`}`);
    try {
      await mkdir(directory);
      return directory;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new CliError(
          `cannot create ${directory} for the checkpoint: ${fileErrorReason(error)}`,
        );
      }
    }
  }
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/** `digits` or `fashion-mnist` when a data set name ("digits (train)") is one of them. */
function builtInSource(name: string | undefined): string | undefined {
  const base = name?.replace(/ \((train|test)\)$/, '');
  return base === 'digits' || base === 'fashion-mnist' ? base : undefined;
}

/** The command line that continues a saved run (its run.json holds the data flags). */
function resumeCommand(directory: string): string {
  return ['dualphi', 'train', '--resume', shellQuote(directory)].join(' ');
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

function summarize(dataset: {
  count: number;
  featureCount: number;
  classCount: number;
  name?: string;
}): RunRecord['source']['train'] {
  const summary: RunRecord['source']['train'] = {
    count: dataset.count,
    featureCount: dataset.featureCount,
    classCount: dataset.classCount,
  };
  if (dataset.name !== undefined) summary.name = dataset.name;
  return summary;
}

/** Runs `train`. */
export async function trainCommand(
  options: TrainCommandOptions,
  context: CommandContext,
  command: Command,
): Promise<void> {
  const { output, env } = context;
  const startedAt = new Date().toISOString();
  let resume: Checkpoint | undefined;
  let record: RunRecord | undefined;
  if (options.resume !== undefined) {
    // An overwrite of it killed half-way may have left the run only in the copy moved aside.
    await recoverInterruptedOverwrite(options.resume, (line) => output.message(line));
    resume = await loadCheckpoint(options.resume);
    const checkpoint = resume;
    const conflicting = fixedByCheckpoint.filter(
      (name) =>
        explicitlyGiven(command, name) &&
        givenValue(options, name) !== checkpointValue(checkpoint, name),
    );
    if (conflicting.length > 0) {
      const both = conflicting.map(
        (name) =>
          `${flagName(name)} ${givenValue(options, name)} (the run has ${checkpointValue(checkpoint, name)})`,
      );
      throw new UsageError(
        `--resume continues the run in ${options.resume} as it was configured: drop ${both.join(', ')}; only --epochs, --out and the data flags may change`,
      );
    }
    record = await readRunRecord(options.resume);
  }
  if (options.overwrite && options.out === undefined) {
    throw new UsageError(
      '--overwrite replaces the run in the --out directory: give --out DIR (--resume alone continues its run in place)',
    );
  }
  let givenScaling: Awaited<ReturnType<typeof loadScaling>>;
  if (resume && record && options.resume !== undefined) {
    // The run's own data, split and scaling; flags may repeat them but not change them.
    const given = dataOptionNames().filter((name) => explicitlyGiven(command, name));
    checkDataFlags(record, options, given, options.resume);
    Object.assign(options, dataOptionsOf(record));
    if (record.scaling.method === 'standard') {
      givenScaling = await loadScaling(
        options.resume,
        'the feature standardisation the run was trained with',
      );
    }
  } else if (resume && !explicitlyGiven(command, 'data')) {
    // A directory written before run.json: the built-in data sets are recognised from the
    // checkpoint; paths must be given again.
    const known = builtInSource(resume.config.data.train.name);
    if (!known) {
      throw new UsageError(
        `--resume ${options.resume}: the run was trained on ${resume.config.data.train.name ?? 'a data file'}; give --data (and for CSV --label, --test or --test-split) as when it started`,
      );
    }
    options.data = known;
  }
  if (resume && options.resume !== undefined) {
    const total = explicitlyGiven(command, 'epochs') ? options.epochs : resume.config.epochs;
    if (resume.batch === 0 && resume.epoch === total) {
      output.message(
        `${options.resume}: the run has finished all ${total} epochs; nothing to do, nothing changed. ` +
          `To train on, give a larger total: ${resumeCommand(options.resume)} --epochs ${total + 10}`,
      );
      return;
    }
  }
  // The optimizer's flags are checked before any data is read or directory made: a refused
  // --lr (say 1e-46, which f32 rounds to 0) must leave nothing behind.
  const start: { resume: Checkpoint; optimizer?: undefined } | { optimizer: Optimizer } = resume
    ? { resume }
    : {
        optimizer: chooseOptimizer(options.optimizer, {
          lr: options.lr,
          momentum: options.momentum,
          schedule: options.schedule,
          warmup: options.warmup,
          clipNorm: options.clipNorm,
          weightDecay: options.weightDecay,
        }),
      };
  const seed = resume?.config.seed ?? options.seed;
  const data = await resolveData(options, env, seed, 'train', givenScaling);
  const target = options.out ?? options.resume;
  if (options.out !== undefined) {
    // Before the check for a run there: a killed overwrite's previous run is put back first.
    await recoverInterruptedOverwrite(options.out, (line) => output.message(line));
    await prepareOutDirectory(options.out);
    const sameRun =
      options.resume !== undefined && resolve(options.out) === resolve(options.resume);
    const existing = sameRun || options.overwrite ? [] : await existingRunFiles(options.out);
    if (existing.length > 0) {
      throw new UsageError(
        `--out ${options.out} already holds a run (${existing.join(', ')}): continue it with --resume ${options.out}, replace it with --overwrite, or choose another directory`,
      );
    }
  }

  const trainOptions: TrainOptions = { data: data.split };
  let optimizerConfig: ReturnType<typeof recordedOptimizer>;
  let network: RunRecord['network'];
  if ('resume' in start) {
    // Resuming: the network, optimizer and settings come from the checkpoint.
    const { resume } = start;
    trainOptions.resume = resume;
    // Not in the checkpoint: results are the same on any thread count.
    trainOptions.threads = options.threads;
    // The kernel build is recorded in run.json: results are the same only on the same build.
    if (record && options.resume !== undefined) {
      const { build, notice } = await resumeBuild(options.resume, record.kernels);
      if (
        build !== undefined &&
        explicitlyGiven(command, 'kernels') &&
        options.kernels !== 'auto' &&
        options.kernels !== build
      ) {
        throw new UsageError(
          `--kernels ${options.kernels}: the run in ${options.resume} was trained on ${record.kernels} (run.json), and a resumed run continues on its own build so that it matches an uninterrupted one; drop --kernels`,
        );
      }
      if (build !== undefined) trainOptions.build = build;
      if (notice !== undefined) output.message(output.errorColors.yellow(notice));
    }
    if (explicitlyGiven(command, 'epochs')) trainOptions.epochs = options.epochs;
    optimizerConfig = recordedOptimizer(resume.config.optimizer);
    network = resume.config.network;
  } else {
    const { optimizer } = start;
    Object.assign(trainOptions, { optimizer, ...modelTrainOptions(options) });
    const build = await chosenBuild(options.kernels);
    if (build !== undefined) trainOptions.build = build;
    optimizerConfig = recordedOptimizer(optimizer.toConfig());
    network = {
      inputSize: data.split.train.featureCount,
      hidden: [...options.hidden],
      outputSize: data.split.train.classCount,
      activation: options.activation,
    };
    output.message(
      output.errorColors.dim(
        `Training on ${data.name} (${data.split.train.count} train / ${data.split.test.count} test samples, ` +
          `${data.split.train.featureCount} features, ${data.split.train.classCount} classes) with ` +
          `${options.optimizer} (${describeOptimizer(optimizer)}), hidden ${options.hidden.join(',') || 'none'}, ` +
          `batch ${options.batch}, seed ${options.seed}.` +
          ((options.validationSplit ?? 0) > 0
            ? ` ${formatPercent(options.validationSplit ?? 0)} of each class of the training data is held out for validation; the test set only reports.`
            : ''),
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
  const kernels = await getDefaultKernels(1, trainOptions.build);
  const running: RunRecord = {
    version: RUN_RECORD_VERSION,
    command: 'train',
    status: 'running',
    dualphi: dualphiVersion(),
    kernels: kernels.name,
    startedAt: record?.startedAt ?? startedAt,
    endedAt: null,
    data: recordedData(options),
    source: {
      name: data.name,
      origin: data.origin,
      train: summarize(data.split.train),
      test: summarize(data.split.test),
    },
    split: record?.split ?? recordedSplit(options, seed),
    scaling: data.scaling ? { method: 'standard', file: runFiles.scaling } : { method: 'source' },
    network,
    optimizer: optimizerConfig,
    epochs: totalEpochs,
    epochsCompleted: resume?.epoch ?? 0,
    batchSize: resume?.config.batchSize ?? options.batch,
    seed,
    labelSmoothing: resume?.config.labelSmoothing ?? options.labelSmoothing,
  };
  // The run directory is written beside its place and swapped in when the run ends.
  let staged: StagedRun | undefined;
  if (target !== undefined) {
    staged = await stageRun(target, (line) => output.message(output.errorColors.dim(line)));
    await writeStaged(staged, async () => {
      await writeFileAtomic(
        join(staged?.directory as string, runFiles.run),
        runRecordText(running),
      );
    });
  }

  const progress = new TrainingProgress(output, totalEpochs);
  const interrupt = handleInterrupts(output, () => progress.stop());
  // One signal stops training: a stop signal, or an exploding loss under --stop-on-divergence.
  const stop = new AbortController();
  interrupt.signal.addEventListener('abort', () => stop.abort(interrupt.signal.reason), {
    once: true,
  });
  const explosion = watchExplosion({
    output,
    classCount: data.split.train.classCount,
    stopOnDivergence: options.stopOnDivergence === true,
    stop,
    beforeWarning: () => progress.stop(),
  });
  trainOptions.signal = stop.signal;
  trainOptions.onBatch = (event) => progress.batch(event);
  trainOptions.onEpoch = (metrics: EpochMetrics) => {
    progress.epoch(metrics);
    explosion.check(metrics);
  };

  // The handlers stay until the files are written, so that a second signal while a
  // checkpoint is being saved still quits with a message (and leaves no partial file).
  try {
    await runAndSave(trainOptions, progress, {
      options,
      context,
      data,
      resume,
      staged,
      running,
      interrupt,
      explosion,
    });
  } finally {
    interrupt.dispose();
    await staged?.discard();
  }
}

/** What {@link runAndSave} needs from the command. */
interface RunContext {
  options: TrainCommandOptions;
  context: CommandContext;
  data: Awaited<ReturnType<typeof resolveData>>;
  resume: Checkpoint | undefined;
  /** The run directory being written (`--out` or `--resume`), if any. */
  staged: StagedRun | undefined;
  /** run.json as it stands while training. */
  running: RunRecord;
  interrupt: ReturnType<typeof handleInterrupts>;
  explosion: ExplosionWatch;
}

/** The files of a run that ended: everything is written to the staging directory, then swapped in. */
interface RunEnding {
  status: Exclude<RunStatus, 'running'>;
  checkpoint: Checkpoint;
  model?: TrainResult['model'];
  document?: TrainDocument;
  message?: string;
}

async function saveRun(
  staged: StagedRun,
  { data, running, explosion }: Pick<RunContext, 'data' | 'running' | 'explosion'>,
  ending: RunEnding,
): Promise<void> {
  await writeStaged(staged, async () => {
    const directory = staged.directory;
    await saveCheckpoint(directory, ending.checkpoint);
    if (ending.model) {
      await writeFileAtomic(
        join(directory, runFiles.model),
        encodeModel(ending.model, { classNames: data.split.train.classNames }),
      );
    }
    if (data.scaling) await saveScaling(directory, data.scaling);
    if (ending.document && ending.document.epochs.length > 0) {
      await writeRunFiles(directory, ending.document, data.name);
    }
    const record: RunRecord = {
      ...running,
      status: ending.status,
      endedAt: new Date().toISOString(),
      epochs: ending.checkpoint.config.epochs,
      epochsCompleted: ending.checkpoint.epoch,
    };
    if (ending.message !== undefined) record.message = ending.message;
    // A warned-about explosion stays on record (the run carried on).
    if (explosion.exploded !== undefined && ending.status !== 'diverged') {
      record.warnings = [explosion.exploded];
    }
    // run.json last: a staging directory with a final status is complete.
    await writeFileAtomic(join(directory, runFiles.run), runRecordText(record));
    await staged.commit();
  });
}

/** The metrics document of a checkpoint's completed epochs (a diverged run's last good state). */
function checkpointDocument(
  checkpoint: Checkpoint,
  source: { data: string; optimizer: string },
  directory: string,
): TrainDocument {
  const last = checkpoint.history.at(-1);
  return trainDocument(
    {
      config: checkpoint.config,
      epochs: checkpoint.history,
      final: {
        testAccuracy: last?.testAccuracy ?? Number.NaN,
        testLoss: last?.testLoss ?? Number.NaN,
        samplesPerSecond: Number.NaN,
      },
      aborted: true,
    },
    source,
    directory,
  );
}

/** Trains, then writes and prints the results (or the checkpoint of an interrupted run). */
async function runAndSave(
  trainOptions: TrainOptions,
  progress: TrainingProgress,
  run: RunContext,
): Promise<void> {
  const { options, context, resume, interrupt, explosion } = run;
  let { staged } = run;
  const { output } = context;
  const source = {
    data: options.data,
    optimizer: resume ? optimizerLabel(resume.config.optimizer) : options.optimizer,
  };
  let result: TrainResult;
  try {
    result = await train(trainOptions);
  } catch (error) {
    progress.stop();
    if (error instanceof TrainingDivergedError) {
      const reason = error.message.replace(/;? error\.lastGood holds.*$/, '.');
      // Keep the last good state only where the user asked for files.
      if (staged === undefined) throw new CliError(reason);
      await saveRun(staged, run, {
        status: 'diverged',
        checkpoint: error.lastGood,
        document: checkpointDocument(error.lastGood, source, staged.target),
        message: reason,
      });
      throw new CliError(
        `${reason} The last good state is saved in ${join(staged.target, runFiles.checkpoint)}.`,
      );
    }
    if (error instanceof RangeError || error instanceof TypeError) {
      // Options or data the training engine rejects (its message names the field).
      throw new CliError(errorMessage(error));
    }
    throw error;
  }

  try {
    if (explosion.exploded !== undefined && options.stopOnDivergence) {
      const reason = `training diverged: ${explosion.exploded}. Try a smaller learning rate.`;
      if (staged === undefined) throw new CliError(reason);
      const document = trainDocument({ ...result, aborted: true }, source, staged.target);
      await saveRun(staged, run, {
        status: 'diverged',
        checkpoint: result.checkpoint(),
        document,
        message: reason,
      });
      throw new CliError(
        `${reason} Its state is saved in ${join(staged.target, runFiles.checkpoint)}.`,
      );
    }
    if (result.aborted) {
      let created: string | undefined;
      if (staged === undefined) {
        created = await createInterruptDirectory();
        staged = await stageRun(created).catch(async (error: unknown) => {
          await rm(created as string, { recursive: true, force: true });
          throw error;
        });
      }
      const directory = staged.target;
      const document = trainDocument(result, source, directory);
      try {
        await saveRun(staged, run, {
          status: 'interrupted',
          checkpoint: result.checkpoint(),
          document,
        });
      } catch (error) {
        // The new directory made for this checkpoint stays only with the checkpoint in it.
        if (created !== undefined) await rm(created, { recursive: true, force: true });
        throw error;
      }
      output.document(document);
      output.message(`Checkpoint saved to ${join(directory, runFiles.checkpoint)}`);
      output.message(`Resume with: ${resumeCommand(directory)}`, { wrap: false });
      const by = interrupt.received;
      throw new CliError(
        `training interrupted${by && by !== 'SIGINT' ? ` by ${by}` : ''}`,
        interrupt.exitCode,
      );
    }
    const document = trainDocument(result, source, staged?.target);
    if (staged !== undefined) {
      await saveRun(staged, run, {
        status: 'finished',
        checkpoint: result.checkpoint(),
        model: result.model,
        document,
      });
    }
    output.document(document);
    const c = output.colors;
    const seconds = result.epochs.reduce((sum, epoch) => sum + epoch.seconds, 0);
    const validated = result.epochs.at(-1)?.validationAccuracy;
    output.result(
      (validated !== undefined
        ? `${c.bold('Validation accuracy')} ${formatPercent(validated)}, `
        : '') +
        `${c.bold('Test accuracy')} ${c.green(formatPercent(result.final.testAccuracy))} ` +
        `(test loss ${formatNats(result.final.testLoss)} nats) after ${result.epochs.length} epoch${result.epochs.length === 1 ? '' : 's'}, ` +
        `${formatRate(result.final.samplesPerSecond)} samples/s, ${formatSeconds(seconds)} training.`,
    );
    if (staged !== undefined) {
      output.message(
        `Wrote ${[runFiles.run, runFiles.metricsJson, runFiles.metricsCsv, runFiles.checkpoint, runFiles.model, runFiles.report, '*.svg'].join(', ')} to ${staged.target}`,
      );
    }
  } finally {
    result.model.dispose();
  }
}
