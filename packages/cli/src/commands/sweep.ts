/**
 * `dualphi sweep`: does the golden pair win on your data? A grid over the delta-form heavy
 * ball's (η, α) plus named registry entries, each trained with several seeds (common random
 * numbers) in parallel worker threads, ranked by validation accuracy, with the golden pair's
 * rank and paired gaps stated in words. Each finished run is journalled as it completes, so
 * Ctrl-C (or a crash) keeps it and `--resume DIR` runs only what is missing.
 */
import { join } from 'node:path';
import {
  orderRecords,
  planSweep,
  type SweepExecutor,
  type SweepPlan,
  type SweepRecord,
  type SweepSetup,
  summarizeSweep,
  sweep,
} from '@dualphi/optimizer';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { type ResolvedData, resolveData } from '../data/resolve.js';
import { CliError, ExitCode, errorMessage, UsageError } from '../errors.js';
import { writeFileAtomic } from '../files/atomic.js';
import type { DataOptions, ModelOptions } from '../options/common.js';
import type { CommandContext } from '../program.js';
import { connectRedis, parseQueueAddress, queueTiming } from '../queue/connection.js';
import { queueExecutor, type SweepFailure } from '../queue/coordinator.js';
import { dataHash, sweepKey } from '../queue/keys.js';
import { rankedTable, sweepCsv, sweepDocument } from '../sweep/document.js';
import { workerExecutor } from '../sweep/executor.js';
import {
  Journal,
  readSweepDirectory,
  SWEEP_FORMAT_VERSION,
  type SweepDescription,
  startSweepDirectory,
  sweepFiles,
} from '../sweep/journal.js';
import { writeSweepReport } from '../sweep/report.js';
import { formatPercent, formatSeconds } from '../terminal/format.js';
import { handleInterrupts } from '../terminal/interrupt.js';
import { jsonText } from '../terminal/output.js';

/** Options of `sweep` as commander hands them over. */
export interface SweepCommandOptions extends DataOptions, ModelOptions {
  /** Learning rates of the grid (already parsed), or false for `--no-grid`. */
  lr: (number | 'golden')[];
  /** Momenta of the grid (already parsed). */
  momentum: (number | 'golden')[];
  /** False with `--no-grid`. */
  grid: boolean;
  /** Named entries (`adam@1e-3`, …); empty for none. */
  optimizers: string[];
  seeds: number;
  workers: number;
  validationSplit: number;
  out?: string;
  resume?: string;
  /** `--queue redis://…`: run the cells on BullMQ workers instead of local threads. */
  queue?: string;
}

/** Flags that define a sweep: with `--resume` the sweep's own description is used instead. */
const fixedBySweep = [
  'lr',
  'momentum',
  'grid',
  'optimizers',
  'seeds',
  'hidden',
  'activation',
  'epochs',
  'batch',
  'seed',
  'labelSmoothing',
  'validationSplit',
  'data',
  'label',
  'test',
  'testSplit',
  'out',
] as const;

const flagName = (name: string): string =>
  `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

function describeNew(options: SweepCommandOptions): Omit<SweepDescription, 'data'> {
  let plan: SweepPlan;
  try {
    plan = planSweep({
      ...(options.grid ? { learningRates: options.lr, momenta: options.momentum } : {}),
      entries: options.optimizers,
      seeds: options.seeds,
      firstSeed: options.seed,
    });
  } catch (error) {
    throw new UsageError(`${errorMessage(error)} (see dualphi sweep --help)`);
  }
  // One process, one pool: a sweep's parallelism is its workers, each cell on one thread,
  // so that the threads never exceed the cores.
  if (options.threads !== 1) {
    throw new UsageError(
      `--threads ${options.threads}: a sweep runs each cell on one thread and spreads the cells over --workers; drop --threads`,
    );
  }
  if (!(options.validationSplit > 0)) {
    throw new UsageError(
      '--validation-split 0: a sweep ranks its cells on validation figures; give a fraction in (0, 1) (default 0.1)',
    );
  }
  const source: SweepDescription['source'] = { data: options.data, seed: options.seed };
  if (options.label !== undefined) source.label = options.label;
  if (options.test !== undefined) source.test = options.test;
  if (options.testSplit !== undefined) source.testSplit = options.testSplit;
  return {
    command: 'sweep',
    formatVersion: SWEEP_FORMAT_VERSION,
    plan,
    settings: {
      hidden: options.hidden,
      activation: options.activation,
      epochs: options.epochs,
      batchSize: options.batch,
      labelSmoothing: options.labelSmoothing,
      validationSplit: options.validationSplit,
    },
    source,
  };
}

/** A progress display over the sweep's runs: a bar with ETA on a terminal, else one line per run. */
class SweepProgress {
  private bar: cliProgress.SingleBar | undefined;
  private done: number;

  constructor(
    private readonly context: CommandContext,
    private readonly total: number,
    already: number,
    private readonly labels: Map<string, string>,
  ) {
    this.done = already;
    const { output } = context;
    if (output.interactive && already < total) {
      this.bar = new cliProgress.SingleBar(
        {
          format: `sweep ${output.errorColors.cyan('{bar}')} {value}/{total} runs | ETA {eta_formatted} | last: {last}`,
          stream: output.progressStream as NodeJS.WritableStream,
          clearOnComplete: true,
          hideCursor: true,
          barsize: 24,
          fps: 5,
          etaBuffer: 20,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, already, { last: '—' });
    }
  }

  record(record: SweepRecord): void {
    this.done++;
    const label = this.labels.get(record.cellId) ?? record.cellId;
    const last = record.epochs.at(-1);
    const figure = record.diverged
      ? `diverged at epoch ${record.diverged.epoch}`
      : `validation ${formatPercent(last?.validationAccuracy ?? Number.NaN)}`;
    if (this.bar) this.bar.update(this.done, { last: `${label} seed ${record.seed}` });
    else
      this.context.output.message(
        `run ${this.done}/${this.total}: ${label}, seed ${record.seed}: ${figure}`,
      );
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

/** Runs `sweep`. */
export async function sweepCommand(
  options: SweepCommandOptions,
  context: CommandContext,
  command: Command,
): Promise<void> {
  const { output, env } = context;
  let description: SweepDescription;
  let completed: SweepRecord[] = [];
  let goodBytes: number | undefined;
  const directory = options.resume ?? options.out;
  if (options.resume !== undefined) {
    const given = fixedBySweep.filter((name) => command.getOptionValueSource(name) === 'cli');
    if (given.length > 0) {
      throw new UsageError(
        `--resume continues the sweep as it was planned; drop ${given.map(flagName).join(', ')} (only --workers, --queue and --json may be given)`,
      );
    }
    const found = await readSweepDirectory(options.resume);
    description = found.description;
    completed = orderRecords(description.plan, found.journal.records);
    goodBytes = found.journal.goodBytes;
    if (found.journal.tornDropped) {
      output.message(
        output.errorColors.yellow(
          `${sweepFiles.runs}: the last record was cut short (the sweep stopped while writing it); it is dropped and that run is trained again.`,
        ),
      );
    }
  } else {
    description = { ...describeNew(options), data: { train: 0, test: 0, features: 0, classes: 0 } };
  }
  const data = await resolveData({ ...description.source }, env, description.source.seed);
  const shape = {
    train: data.split.train.count,
    test: data.split.test.count,
    features: data.split.train.featureCount,
    classes: data.split.train.classCount,
  };
  if (options.resume !== undefined) {
    if (JSON.stringify(shape) !== JSON.stringify(description.data)) {
      throw new CliError(
        `--resume ${options.resume}: the sweep was planned on ${JSON.stringify(description.data)} but ${description.source.data} now gives ${JSON.stringify(shape)}`,
      );
    }
  } else {
    description.data = shape;
    if (options.out !== undefined) await startSweepDirectory(options.out, description);
  }

  if (options.queue === undefined) {
    await executeSweep(description, data, context, {
      directory,
      completed,
      goodBytes,
      workers: options.workers,
    });
    return;
  }
  const address = parseQueueAddress(options.queue);
  const report = (message: string) => output.message(output.errorColors.dim(message));
  const connection = await connectRedis(address, report);
  try {
    const contentHash = dataHash(data.split);
    const executor = queueExecutor({
      connection,
      sweep: sweepKey(description, contentHash),
      job: { source: description.source, settings: description.settings, dataHash: contentHash },
      labels: new Map(description.plan.cells.map((cell) => [cell.id, cell.label])),
      timing: queueTiming(env),
      report,
    });
    await executeSweep(description, data, context, {
      directory,
      completed,
      goodBytes,
      workers: options.workers,
      executor,
      where: `the workers of ${address.display}`,
    });
  } finally {
    await connection.quit().catch(() => connection.disconnect());
  }
}

/** What {@link executeSweep} needs besides the description and data. */
export interface SweepRun {
  /** The run directory (journal and files), if any. */
  directory?: string;
  /** Records already finished (resume). */
  completed: SweepRecord[];
  /** The journal's complete length (resume), to cut a torn record off before appending. */
  goodBytes?: number;
  /** Worker threads. */
  workers: number;
  /** Runs the cells instead of the local worker threads (`--queue`), with its failures. */
  executor?: SweepExecutor & { readonly failures?: readonly SweepFailure[] };
  /** Where the cells run, for the opening line (default: `N worker(s)`). */
  where?: string;
}

/**
 * Runs a described sweep on resolved data and reports it: progress, journal, ranked table,
 * verdict, files, the JSON document; `compare --seeds` runs through here as well.
 */
export async function executeSweep(
  description: SweepDescription,
  data: ResolvedData,
  context: CommandContext,
  { directory, completed, goodBytes, workers: requested, executor, where }: SweepRun,
): Promise<void> {
  const { output } = context;
  const shape = description.data;
  const { plan, settings } = description;
  const total = plan.cells.length * plan.seeds.length;
  const workers = Math.min(requested, Math.max(1, total - completed.length));
  output.message(
    output.errorColors.dim(
      `Sweeping ${plan.cells.length} cells × ${plan.seeds.length} seeds = ${total} runs on ${data.name} ` +
        `(${data.split.train.count} train, of which ${formatPercent(settings.validationSplit)} per class held out for validation; ${data.split.test.count} test), ` +
        `hidden ${settings.hidden.join(',') || 'none'}, ${settings.epochs} epochs, batch ${settings.batchSize}, ${where ?? `${workers} worker(s)`}` +
        (completed.length > 0 ? `; ${completed.length} runs already done.` : '.') +
        ' Cells are ranked on validation accuracy; the test set only reports.',
    ),
  );

  const setup: SweepSetup = { data: data.split, ...settings };
  const labels = new Map(plan.cells.map((cell) => [cell.id, cell.label]));
  const progress = new SweepProgress(context, total, completed.length, labels);
  const interrupt = handleInterrupts(output, () => progress.stop(), 'keeping the finished runs');
  const onTerm = () => process.emit('SIGINT');
  process.on('SIGTERM', onTerm);
  const journal = directory !== undefined ? await Journal.open(directory, goodBytes) : undefined;
  const started = performance.now();
  let records: SweepRecord[];
  let complete: boolean;
  try {
    const result = await sweep({
      plan,
      setup,
      completed,
      executor: executor ?? workerExecutor(workers),
      signal: interrupt.signal,
      onRecord: async (record) => {
        await journal?.append(record);
        progress.record(record);
      },
    });
    records = result.records;
    complete = result.complete;
  } catch (error) {
    throw new CliError(`the sweep failed: ${errorMessage(error)}`);
  } finally {
    progress.stop();
    interrupt.dispose();
    process.off('SIGTERM', onTerm);
    await journal?.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const summary = summarizeSweep(plan, records);
  const failures = executor?.failures ?? [];
  const document = {
    ...sweepDocument(description, records, summary, complete, { seconds, workers }),
    // Runs whose queue job failed for good (`--queue`), with their errors.
    ...(failures.length > 0 ? { failed: failures } : {}),
  };

  output.result();
  output.result(rankedTable(plan, summary, output.colors));
  output.result(
    '★ golden pair (η*, α*).  Validation accuracy: mean±sd over seeds, 95 % CI of the mean.',
  );
  output.result();
  for (const line of summary.text) output.result(line);
  if (directory !== undefined && records.length > 0) {
    await writeFileAtomic(join(directory, sweepFiles.json), jsonText(document));
    await writeFileAtomic(join(directory, sweepFiles.csv), sweepCsv(plan, records));
    const network = [shape.features, ...settings.hidden, shape.classes].join('-');
    const svgs = await writeSweepReport(
      directory,
      {
        title: `dualphi sweep — ${data.name}`,
        summary:
          `${plan.cells.length} cells × ${plan.seeds.length} seeds of a ${network} network (${settings.activation}), ` +
          `${settings.epochs} epochs at batch ${settings.batchSize}; ranked by the last epoch's validation accuracy ` +
          `(${formatPercent(settings.validationSplit)} of each class of the training data), the test set only reports.` +
          (complete ? '' : ` Interrupted: ${records.length} of ${total} runs are done.`),
        tables: [
          {
            caption: 'Verdict',
            head: ['statement'],
            rows: summary.text.map((line) => [line]),
          },
          {
            caption: 'Cells by rank',
            head: [
              'rank',
              'cell',
              'runs',
              'validation accuracy',
              'sd',
              '95 % CI',
              'validation loss',
              'test accuracy',
              'test loss',
            ],
            rows: summary.ranking.map((id) => {
              const cell = summary.cells.find((c) => c.cellId === id);
              if (!cell) return [];
              const v = cell.validationAccuracy;
              return [
                String(cell.rank),
                cell.label,
                `${cell.runs}${cell.diverged ? ` (${cell.diverged} diverged)` : ''}`,
                formatPercent(v.mean),
                formatPercent(v.sd),
                Number.isFinite(v.low) ? `${formatPercent(v.low)} – ${formatPercent(v.high)}` : '—',
                Number.isFinite(cell.validationLoss.mean)
                  ? cell.validationLoss.mean.toFixed(4)
                  : '—',
                formatPercent(cell.testAccuracy.mean),
                Number.isFinite(cell.testLoss.mean) ? cell.testLoss.mean.toFixed(4) : '—',
              ];
            }),
          },
        ],
      },
      plan,
      summary,
      records,
    );
    output.message(
      `Wrote ${[sweepFiles.json, sweepFiles.csv, sweepFiles.report, ...svgs].join(', ')} to ${directory} (finished runs: ${sweepFiles.runs}) in ${formatSeconds(seconds)}`,
    );
  }
  output.document(document);
  if (failures.length > 0 && !interrupt.signal.aborted) {
    for (const failure of failures) {
      output.message(
        output.errorColors.red(
          `failed: ${labels.get(failure.cellId) ?? failure.cellId}, seed ${failure.seed} (job ${failure.jobId}, ${failure.attempts} tries): ${failure.error}`,
        ),
      );
    }
    throw new CliError(
      `${failures.length} of ${total} runs failed for good (listed above); the other ${records.length} are done` +
        (directory !== undefined ? `; --resume ${directory} tries the failed ones again` : ''),
    );
  }
  if (!complete) {
    if (directory !== undefined) {
      output.message(
        `${records.length} of ${total} runs are kept in ${join(directory, sweepFiles.runs)}.`,
      );
      output.message(`Resume with: dualphi sweep --resume ${directory}`);
    } else {
      output.message('No --out was given: the finished runs were not stored.');
    }
    throw new CliError('sweep interrupted', ExitCode.interrupted);
  }
}
