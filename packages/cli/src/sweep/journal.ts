/**
 * A sweep's run directory: `sweep-plan.json` (what the sweep is: written once, before any run,
 * so the directory describes itself) and `runs.jsonl`, one line per finished (cell, seed),
 * appended and fsynced as each run completes.
 *
 * Why JSON lines and not an embedded database: the records are written by one process, one
 * after another, and only ever appended; a crash can therefore damage at most the last line,
 * which is detected (no final newline, or not JSON) and dropped on resume. That needs no
 * native module (SQLite bindings would have to be compiled per platform), and the file stays
 * readable with `jq` or any text tool. Doubles survive JSON exactly (shortest round-trip
 * form), so resumed figures are bit-identical; NaN is stored as null and read back as NaN.
 */
import { constants } from 'node:fs';
import { access, open, readFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import type { SweepPlan, SweepRecord } from '@dualphi/optimizer';
import { CliError, errorMessage, UsageError } from '../errors.js';
import { runFiles, sweepRunFiles } from '../files/run-directory.js';

/** File names of a sweep directory. */
export const sweepFiles = { ...sweepRunFiles, report: runFiles.report } as const;

/** The version of the directory layout (bumped when a field changes meaning). */
export const SWEEP_FORMAT_VERSION = 1;

/** What `sweep-plan.json` holds. */
export interface SweepDescription {
  /** Always `'sweep'`: a directory of another command is refused. */
  command: 'sweep';
  /** {@link SWEEP_FORMAT_VERSION}. */
  formatVersion: number;
  /** The plan. */
  plan: SweepPlan;
  /** Network and training settings shared by all cells (no data). */
  settings: {
    hidden: number[];
    activation: 'relu' | 'tanh';
    epochs: number;
    batchSize: number;
    labelSmoothing: number;
    validationSplit: number;
  };
  /** Where the data came from (the flags to give again are read from here). */
  source: { data: string; label?: string; test?: string; testSplit?: number; seed: number };
  /** The data's shape, to check on resume that it is the same data. */
  data: { train: number; test: number; features: number; classes: number };
}

const numericEpochFields = [
  'trainLoss',
  'validationLoss',
  'validationAccuracy',
  'testLoss',
  'testAccuracy',
] as const;

/** One record as one line (NaN → null). */
export function recordLine(record: SweepRecord): string {
  return `${JSON.stringify(record, (_key, value) =>
    typeof value === 'number' && !Number.isFinite(value) ? null : value,
  )}\n`;
}

function reviveRecord(value: unknown): SweepRecord | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as SweepRecord;
  if (typeof record.cellId !== 'string' || !Number.isSafeInteger(record.seed)) return undefined;
  if (!Array.isArray(record.epochs)) return undefined;
  // Lines written before the kernel build was recorded have none: unknown, not damage.
  if (record.kernels !== undefined && typeof record.kernels !== 'string') delete record.kernels;
  if (record.threads !== undefined && !Number.isSafeInteger(record.threads)) delete record.threads;
  for (const epoch of record.epochs) {
    for (const field of numericEpochFields) {
      if (epoch[field] === null) epoch[field] = Number.NaN;
    }
  }
  return record;
}

/** What reading a journal found. */
export interface JournalContents {
  /** The complete records. */
  records: SweepRecord[];
  /** True when a torn last record was found and dropped. */
  tornDropped: boolean;
  /** Byte length of the complete part (the file is cut back to it before appending). */
  goodBytes: number;
}

/**
 * Parses journal text: complete lines are records; a last line without its newline, or a
 * last line that is not a record, is a torn write and dropped. A bad line before the last
 * one is damage no crash of an append can cause: an error.
 */
export function parseJournal(text: string, path: string = sweepFiles.runs): JournalContents {
  const lines = text.split('\n');
  const records: SweepRecord[] = [];
  let goodBytes = 0;
  let tornDropped = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const isLast = i === lines.length - 1;
    if (isLast && line === '') break;
    let record: SweepRecord | undefined;
    try {
      record = isLast ? undefined : reviveRecord(JSON.parse(line));
    } catch {
      record = undefined;
    }
    if (record) {
      records.push(record);
      goodBytes += Buffer.byteLength(line, 'utf8') + 1;
      continue;
    }
    const tail = lines.slice(i + 1).join('');
    if (isLast || tail === '') {
      tornDropped = true;
      break;
    }
    throw new CliError(`${path}: line ${i + 1} is not a sweep record (the file is damaged)`);
  }
  return { records, tornDropped, goodBytes };
}

/** Appends records, each fsynced before the next is taken. */
export class Journal {
  private constructor(private readonly handle: Awaited<ReturnType<typeof open>>) {}

  /** Opens (creating) the journal of `directory` for appending, after cutting it to `goodBytes`. */
  static async open(directory: string, goodBytes?: number): Promise<Journal> {
    const path = join(directory, sweepFiles.runs);
    if (goodBytes !== undefined) await truncate(path, goodBytes).catch(() => undefined);
    return new Journal(await open(path, 'a'));
  }

  /** Appends one record and waits until it is on disk. */
  async append(record: SweepRecord): Promise<void> {
    await this.handle.write(recordLine(record));
    await this.handle.sync();
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** Files that mark another command's run directory, with that command. */
export const otherCommandFiles: Record<string, string> = {
  'metrics.json': 'dualphi train',
  'checkpoint.dualphi': 'dualphi train',
  'comparison.json': 'dualphi compare',
  'run.json': 'dualphi train or compare',
};

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads a sweep directory for `--resume`.
 *
 * @throws UsageError for a directory of another command or without a sweep; CliError for an
 *   unreadable or damaged description.
 */
export async function readSweepDirectory(
  directory: string,
): Promise<{ description: SweepDescription; journal: JournalContents; earlierSeconds: number }> {
  const planPath = join(directory, sweepFiles.plan);
  if (!(await exists(planPath))) {
    for (const [file, command] of Object.entries(otherCommandFiles)) {
      if (await exists(join(directory, file))) {
        throw new UsageError(
          `--resume ${directory}: this is a run directory of ${command}, not of dualphi sweep (it has ${file}); --resume takes a directory written by dualphi sweep --out`,
        );
      }
    }
    throw new UsageError(
      `--resume ${directory}: no ${sweepFiles.plan} there; --resume takes a directory written by dualphi sweep --out`,
    );
  }
  let description: SweepDescription;
  try {
    description = JSON.parse(await readFile(planPath, 'utf8')) as SweepDescription;
  } catch (error) {
    throw new CliError(`cannot read ${planPath}: ${errorMessage(error)}`);
  }
  if (description?.command !== 'sweep' || description.formatVersion !== SWEEP_FORMAT_VERSION) {
    throw new UsageError(
      `--resume ${directory}: ${sweepFiles.plan} is not a dualphi sweep description of format ${SWEEP_FORMAT_VERSION}`,
    );
  }
  const runsPath = join(directory, sweepFiles.runs);
  const text = (await exists(runsPath)) ? await readFile(runsPath, 'utf8') : '';
  return {
    description,
    journal: parseJournal(text, runsPath),
    earlierSeconds: await earlierSessionsSeconds(join(directory, sweepFiles.json)),
  };
}

/**
 * The wall-clock seconds the earlier sessions recorded in their sweep.json, so that a resumed
 * sweep reports its whole time, not only its last session's. 0 when there is none or it cannot
 * be read (a session killed before it wrote the document: its time is not known).
 */
async function earlierSessionsSeconds(path: string): Promise<number> {
  try {
    const seconds = (
      JSON.parse(await readFile(path, 'utf8')) as { timings?: { seconds?: unknown } }
    ).timings?.seconds;
    return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? seconds : 0;
  } catch {
    return 0;
  }
}
