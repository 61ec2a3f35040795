/**
 * `dualphi sweep`: does the golden pair win on your data? A grid over the delta-form heavy
 * ball's (η, α) plus named registry entries, each trained with several seeds (common random
 * numbers) in parallel worker threads, ranked by validation accuracy, with the golden pair's
 * rank and paired gaps stated in words. Each finished run is journalled as it completes, so
 * Ctrl-C (or a crash) keeps it and `--resume DIR` runs only what is missing.
 */
import { join } from 'node:path';
import {
  inProcessExecutor,
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
import { removeStaleStaging } from '../files/staging.js';
import type { DataOptions, ModelOptions } from '../options/common.js';
import type { CommandContext } from '../program.js';
import { connectRedis, parseQueueAddress, queueTiming } from '../queue/connection.js';
import { queueExecutor, type SweepFailure } from '../queue/coordinator.js';
import { dataHash, sweepKey } from '../queue/keys.js';
import { inPlace, openSweepDirectory, type SweepDirectory } from '../sweep/directory.js';
import { rankedTable, sweepCsv, sweepDocument } from '../sweep/document.js';
import { workerExecutor } from '../sweep/executor.js';
import {
  Journal,
  readSweepDirectory,
  SWEEP_FORMAT_VERSION,
  type SweepDescription,
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
  /** Let `--out` replace a sweep or run already there (staged, swapped in at the end). */
  overwrite?: boolean;
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
  'overwrite',
] as const;

const flagName = (name: string): string =>
  `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** What a new sweep (or comparison) is given besides its plan. */
export type SweepSettingsOptions = DataOptions &
  Pick<
    ModelOptions,
    'hidden' | 'activation' | 'epochs' | 'batch' | 'seed' | 'labelSmoothing' | 'threads'
  > & {
    validationSplit?: number;
  };

/**
 * The description of a new sweep (its data shape filled in later), after the checks every
 * sweep needs: one thread per cell (`--threads` 1) and a validation split to rank on.
 * @param command - the command, for the messages (`a sweep ranks its cells`, `compare ranks …`).
 */
export function describeSweep(
  plan: SweepPlan,
  options: SweepSettingsOptions,
  command: 'sweep' | 'compare' = 'sweep',
): SweepDescription {
  const what = command === 'sweep' ? 'a sweep' : 'compare';
  const units = command === 'sweep' ? 'cells' : 'optimizers';
  // One process, one pool: a sweep's parallelism is its workers, each cell on one thread,
  // so that the threads never exceed the cores.
  if (options.threads !== 1) {
    throw new UsageError(
      command === 'sweep'
        ? `--threads ${options.threads}: a sweep runs each cell on one thread and spreads the cells over --workers; drop --threads`
        : `--threads ${options.threads}: compare runs each optimizer on one thread and spreads the runs over --workers; drop --threads`,
    );
  }
  const validationSplit = options.validationSplit ?? 0;
  if (!(validationSplit > 0)) {
    throw new UsageError(
      `--validation-split 0: ${what} ranks its ${units} on validation figures; give a fraction in (0, 1) (default 0.1)`,
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
      validationSplit,
    },
    source,
    data: { train: 0, test: 0, features: 0, classes: 0 },
  };
}

/** The shape of the resolved data, as a description records it (checked on resume). */
export function dataShape(data: ResolvedData): SweepDescription['data'] {
  return {
    train: data.split.train.count,
    test: data.split.test.count,
    features: data.split.train.featureCount,
    classes: data.split.train.classCount,
  };
}

function planOf(options: SweepCommandOptions): SweepPlan {
  try {
    return planSweep({
      ...(options.grid ? { learningRates: options.lr, momenta: options.momentum } : {}),
      entries: options.optimizers,
      seeds: options.seeds,
      firstSeed: options.seed,
    });
  } catch (error) {
    throw new UsageError(`${errorMessage(error)} (see dualphi sweep --help)`);
  }
}

/**
 * The sweep bar's line for the terminal's width: everything when it fits, else without the
 * last run, then without the ETA; the bar 6 to 24 characters. `last` gets what is left.
 */
export function sweepBarFormat(
  noun: string,
  total: number,
  width?: number,
): { format: string; barsize: number; lastWidth: number } {
  const count = 2 * String(total).length + 1;
  const variants = [
    {
      format: `${noun} {bar} {value}/{total} runs | ETA {eta_formatted} | last: {last}`,
      fixed: noun.length + 2 + count + 5 + 13 + 9,
    },
    {
      format: `${noun} {bar} {value}/{total} runs | ETA {eta_formatted}`,
      fixed: noun.length + 2 + count + 5 + 13,
    },
    { format: `${noun} {bar} {value}/{total}`, fixed: noun.length + 2 + count },
  ];
  const maxBar = 24;
  const minBar = 6;
  const room = width === undefined ? Number.POSITIVE_INFINITY : width - 1;
  // With the last run shown, leave it at least a short label's room.
  const chosen =
    variants.find((v, i) => v.fixed + minBar + (i === 0 ? 12 : 0) <= room) ?? variants[2];
  const barsize = Math.max(
    2,
    Math.min(maxBar, room - chosen.fixed - (chosen === variants[0] ? 12 : 0)),
  );
  const lastWidth = chosen === variants[0] ? room - chosen.fixed - barsize : 0;
  return { format: chosen.format, barsize, lastWidth };
}

/** A progress display over the sweep's runs: a bar with ETA on a terminal, else one line per run. */
class SweepProgress {
  private bar: cliProgress.SingleBar | undefined;
  private done: number;
  private lastWidth = Number.POSITIVE_INFINITY;

  constructor(
    private readonly context: CommandContext,
    private readonly total: number,
    already: number,
    private readonly labels: Map<string, string>,
    noun: 'sweep' | 'compare',
  ) {
    this.done = already;
    const { output } = context;
    if (output.interactive && already < total) {
      const { format, barsize, lastWidth } = sweepBarFormat(noun, total, output.progressWidth);
      this.lastWidth = lastWidth;
      this.bar = new cliProgress.SingleBar(
        {
          format: format.replace('{bar}', output.errorColors.cyan('{bar}')),
          stream: output.progressStream as NodeJS.WritableStream,
          clearOnComplete: true,
          hideCursor: true,
          barsize,
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
    if (this.bar) {
      const text = `${label} seed ${record.seed}`;
      const shown =
        text.length <= this.lastWidth ? text : `${text.slice(0, Math.max(0, this.lastWidth - 1))}…`;
      this.bar.update(this.done, { last: shown });
    } else
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
  let earlierSeconds = 0;
  let goodBytes: number | undefined;
  if (options.overwrite && options.out === undefined && options.resume === undefined) {
    throw new UsageError(
      '--overwrite replaces the sweep or run in the --out directory: give --out DIR (--resume continues its sweep in place)',
    );
  }
  if (options.resume !== undefined) {
    const given = fixedBySweep.filter((name) => command.getOptionValueSource(name) === 'cli');
    if (given.length > 0) {
      throw new UsageError(
        `--resume continues the sweep as it was planned; drop ${given.map(flagName).join(', ')} (only --workers, --queue and --json may be given)`,
      );
    }
    // A killed `--overwrite` into this directory may have left its staging directory, or the
    // sweep only in the copy it moved aside: repaired before the sweep is read.
    await removeStaleStaging(options.resume, (line) =>
      output.message(output.errorColors.dim(line)),
    );
    const found = await readSweepDirectory(options.resume);
    description = found.description;
    completed = orderRecords(description.plan, found.journal.records);
    goodBytes = found.journal.goodBytes;
    earlierSeconds = found.earlierSeconds;
    if (found.journal.tornDropped) {
      output.message(
        output.errorColors.yellow(
          `${sweepFiles.runs}: the last record was cut short (the sweep stopped while writing it); it is dropped and that run is trained again.`,
        ),
      );
    }
  } else {
    description = describeSweep(planOf(options), options);
  }
  const data = await resolveData({ ...description.source }, env, description.source.seed);
  const shape = dataShape(data);
  let files: SweepDirectory | undefined;
  if (options.resume !== undefined) {
    if (JSON.stringify(shape) !== JSON.stringify(description.data)) {
      throw new CliError(
        `--resume ${options.resume}: the sweep was planned on ${JSON.stringify(description.data)} but ${description.source.data} now gives ${JSON.stringify(shape)}`,
      );
    }
    files = inPlace(options.resume);
  } else {
    description.data = shape;
    if (options.out !== undefined) {
      files = await openSweepDirectory(
        options.out,
        description,
        options.overwrite === true,
        (line) => output.message(output.errorColors.dim(line)),
      );
    }
  }

  if (options.queue === undefined) {
    await executeSweep(description, data, context, {
      files,
      completed,
      goodBytes,
      earlierSeconds,
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
      files,
      completed,
      goodBytes,
      earlierSeconds,
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
  files?: SweepDirectory;
  /** Records already finished (resume). */
  completed: SweepRecord[];
  /** The journal's complete length (resume), to cut a torn record off before appending. */
  goodBytes?: number;
  /** Wall-clock seconds of the earlier sessions (resume), added to this session's. */
  earlierSeconds?: number;
  /** Worker threads. */
  workers: number;
  /** Runs the cells instead of the local worker threads (`--queue`), with its failures. */
  executor?: SweepExecutor & { readonly failures?: readonly SweepFailure[] };
  /** Where the cells run, for the opening line (default: `N worker(s)`). */
  where?: string;
  /**
   * The command running it: `compare` (one cell per optimizer) words its lines, report and
   * interruption as a comparison; default `sweep`.
   */
  command?: 'sweep' | 'compare';
  /** The optimizers with their settings in words, for compare's opening line. */
  described?: string;
}

/**
 * Runs a described sweep on resolved data and reports it: progress, journal, ranked table,
 * verdict, files, the JSON document; `compare` runs through here as well (one cell per
 * optimizer).
 */
export async function executeSweep(
  description: SweepDescription,
  data: ResolvedData,
  context: CommandContext,
  {
    files,
    completed,
    goodBytes,
    earlierSeconds = 0,
    workers: requested,
    executor,
    where,
    command = 'sweep',
    described,
  }: SweepRun,
): Promise<void> {
  const { output } = context;
  const { plan, settings } = description;
  const total = plan.cells.length * plan.seeds.length;
  const workers = Math.min(requested, Math.max(1, total - completed.length));
  const comparing = command === 'compare';
  const oneSeed = plan.seeds.length === 1;
  const seeds = oneSeed
    ? `1 seed (${plan.seeds[0]})`
    : `${plan.seeds.length} seeds (${plan.seeds[0]}–${plan.seeds.at(-1)})`;
  const dataLine =
    `on ${data.name} (${data.split.train.count} train, of which ${formatPercent(settings.validationSplit)} per class held out for validation; ${data.split.test.count} test), ` +
    `hidden ${settings.hidden.join(',') || 'none'}, ${settings.epochs} epochs, batch ${settings.batchSize}, ${where ?? `${workers} worker(s)`}`;
  output.message(
    output.errorColors.dim(
      (comparing
        ? `Comparing ${described ?? plan.cells.map((cell) => cell.label).join(', ')}, ${seeds} each = ${total} runs ${dataLine}`
        : `Sweeping ${plan.cells.length} cells × ${plan.seeds.length} seeds = ${total} runs ${dataLine}`) +
        (completed.length > 0 ? `; ${completed.length} runs already done.` : '.') +
        ` ${comparing ? 'Optimizers' : 'Cells'} are ranked on the last epoch's validation accuracy; the test set only reports.`,
    ),
  );

  const setup: SweepSetup = { data: data.split, ...settings };
  const labels = new Map(plan.cells.map((cell) => [cell.id, cell.label]));
  const progress = new SweepProgress(context, total, completed.length, labels, command);
  // SIGINT, SIGTERM and SIGHUP alike: stop after the batch, keep and show the finished runs,
  // exit with the signal's status.
  const interrupt = handleInterrupts(
    output,
    () => progress.stop(),
    comparing ? 'showing the runs that finished' : 'keeping the finished runs',
  );
  const directory = files?.directory;
  let records: SweepRecord[];
  let complete: boolean;
  let seconds: number;
  try {
    const journal = directory !== undefined ? await Journal.open(directory, goodBytes) : undefined;
    const started = performance.now();
    try {
      const result = await sweep({
        plan,
        setup,
        completed,
        // One worker: the runs one after another in this thread (no thread to start).
        executor: executor ?? (workers === 1 ? inProcessExecutor() : workerExecutor(workers)),
        signal: interrupt.signal,
        onRecord: async (record) => {
          await journal?.append(record);
          progress.record(record);
        },
      });
      records = result.records;
      complete = result.complete;
    } catch (error) {
      throw new CliError(
        `the ${comparing ? 'comparison' : 'sweep'} failed: ${errorMessage(error)}`,
      );
    } finally {
      progress.stop();
      await journal?.close();
    }
    seconds = earlierSeconds + (performance.now() - started) / 1000;
  } catch (error) {
    interrupt.dispose();
    // A staged sweep (--overwrite) that failed is dropped: the old run stays as it was.
    await files?.discard();
    throw error;
  }
  let failures: readonly SweepFailure[];
  try {
    failures = await report(description, data, context, {
      records,
      complete,
      seconds,
      workers,
      files,
      failures: executor?.failures ?? [],
      command,
    });
  } finally {
    // Kept until the files are written and swapped in: a second signal then quits at once,
    // and the exit hook leaves a staged --out as it was.
    interrupt.dispose();
  }
  const target = files?.target;
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
        (target !== undefined ? `; --resume ${target} tries the failed ones again` : ''),
    );
  }
  if (!complete) {
    if (files?.staged && records.length === 0) {
      output.message(`No run finished: ${target} is left as it was.`);
    } else if (target !== undefined) {
      output.message(
        `${records.length} of ${total} runs are kept in ${join(target, sweepFiles.runs)}.`,
      );
      output.message(`Resume with: dualphi sweep --resume ${target}`);
    } else {
      output.message('No --out was given: the finished runs were not stored.');
    }
    throw new CliError(
      `${comparing ? 'comparison' : 'sweep'} interrupted`,
      interrupt.received === undefined ? ExitCode.interrupted : interrupt.exitCode,
    );
  }
}

/** What {@link report} needs: the outcome of the runs. */
interface Outcome {
  records: SweepRecord[];
  complete: boolean;
  seconds: number;
  workers: number;
  files: SweepDirectory | undefined;
  failures: readonly SweepFailure[];
  command: 'sweep' | 'compare';
}

/**
 * Prints the ranked table and the verdict, writes the files (and swaps a staged directory
 * in) and prints the document; returns the failed runs of a queue.
 */
async function report(
  description: SweepDescription,
  data: ResolvedData,
  context: CommandContext,
  { records, complete, seconds, workers, files, failures, command }: Outcome,
): Promise<readonly SweepFailure[]> {
  const { output } = context;
  const shape = description.data;
  const { plan, settings } = description;
  const total = plan.cells.length * plan.seeds.length;
  const comparing = command === 'compare';
  const summary = summarizeSweep(plan, records);
  const document = {
    ...sweepDocument(description, records, summary, complete, { seconds, workers }),
    // Runs whose queue job failed for good (`--queue`), with their errors.
    ...(failures.length > 0 ? { failed: failures } : {}),
  };
  const oneSeed = plan.seeds.length === 1;
  // With one seed there is no spread, so no interval and no paired test: said, not faked.
  const legend = oneSeed
    ? 'Validation accuracy of one seed: no spread, so no 95 % interval and no paired test (they need --seeds 2 or more).'
    : 'Validation accuracy: mean±sd over seeds, 95 % CI of the mean.';

  output.result();
  output.result(
    rankedTable(plan, summary, output.colors, comparing ? 'optimizer' : 'cell', output.resultWidth),
  );
  output.result(
    plan.cells.some((cell) => cell.golden) ? `★ golden pair (η*, α*).  ${legend}` : legend,
  );
  output.result();
  for (const line of summary.text) output.result(line);
  if (files !== undefined && records.length > 0) {
    const directory = files.directory;
    await writeFileAtomic(join(directory, sweepFiles.json), jsonText(document));
    await writeFileAtomic(join(directory, sweepFiles.csv), sweepCsv(plan, records));
    const network = [shape.features, ...settings.hidden, shape.classes].join('-');
    const svgs = await writeSweepReport(
      directory,
      {
        title: `dualphi ${command} — ${data.name}`,
        summary:
          (comparing
            ? `${plan.cells.length} optimizers × ${plan.seeds.length} seed(s) of the same ${network} network (${settings.activation}), `
            : `${plan.cells.length} cells × ${plan.seeds.length} seeds of a ${network} network (${settings.activation}), `) +
          `${settings.epochs} epochs at batch ${settings.batchSize}; ranked by the last epoch's validation accuracy ` +
          `(${formatPercent(settings.validationSplit)} of each class of the training data), the test set only reports.` +
          (oneSeed
            ? ' One seed: no spread between seeds, so no interval and no paired test.'
            : '') +
          (complete ? '' : ` Interrupted: ${records.length} of ${total} runs are done.`),
        tables: [
          {
            caption: 'Verdict',
            head: ['statement'],
            rows: summary.text.map((line) => [line]),
          },
          {
            caption: comparing ? 'Optimizers by rank' : 'Cells by rank',
            head: [
              'rank',
              comparing ? 'optimizer' : 'cell',
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
                Number.isFinite(v.sd) ? formatPercent(v.sd) : '—',
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
    await files.commit();
    output.message(
      `Wrote ${[sweepFiles.json, sweepFiles.csv, sweepFiles.report, ...svgs].join(', ')} to ${files.target} (finished runs: ${sweepFiles.runs}) in ${formatSeconds(seconds)}`,
    );
  } else if (files !== undefined) {
    // Nothing finished: a staged sweep is dropped (the old run stays); an in-place one keeps
    // its plan and empty journal for --resume.
    await files.discard();
  }
  output.document(document);
  return failures;
}
