/**
 * The layout of a run directory (`--out DIR`) and the reading and writing of its binary
 * files through the optimizer package's checkpoint format (magic, version, CRC-32).
 */
import { constants } from 'node:fs';
import { access, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import {
  type Checkpoint,
  decodeCheckpoint,
  decodeSavedModel,
  encodeCheckpoint,
  type SavedModel,
} from '@dualphi/optimizer';
import { readRegularFile } from '../data/read-file.js';
import type { CsvScaling } from '../data/resolve.js';
import { CliError, errorMessage, UsageError } from '../errors.js';
import { writeFileAtomic } from './atomic.js';

/** File names inside a run directory. */
export const runFiles = {
  checkpoint: 'checkpoint.dualphi',
  model: 'model.dualphi',
  metricsJson: 'metrics.json',
  metricsCsv: 'metrics.csv',
  comparisonJson: 'comparison.json',
  report: 'report.html',
  scaling: 'scaling.json',
  run: 'run.json',
} as const;

/**
 * The files of a sweep's (or comparison's) run directory, as `sweep/journal.ts` names them:
 * listed here too so that replacing a run replaces them and never carries an old journal over.
 */
export const sweepRunFiles = {
  plan: 'sweep-plan.json',
  runs: 'runs.jsonl',
  json: 'sweep.json',
  csv: 'sweep.csv',
} as const;

const runFileNames = new Set<string>([...Object.values(runFiles), ...Object.values(sweepRunFiles)]);

/**
 * True for the names of files a run writes (the {@link runFiles}, a sweep's files and the
 * report's SVG charts): what a run directory holds, and what replacing a run replaces.
 */
export function isRunFile(name: string): boolean {
  return runFileNames.has(name) || name.endsWith('.svg');
}

/** The files that mark a directory as holding a run (a report alone does not). */
const runMarkers = [
  runFiles.run,
  runFiles.checkpoint,
  runFiles.model,
  runFiles.metricsJson,
  runFiles.comparisonJson,
  sweepRunFiles.plan,
  sweepRunFiles.runs,
];

/** The run files that show `directory` holds a run already (empty when it does not, or is absent). */
export async function existingRunFiles(directory: string): Promise<string[]> {
  try {
    const names = await readdir(directory);
    return runMarkers.filter((name) => names.includes(name));
  } catch {
    return [];
  }
}

async function readExisting(path: string, what: string, hint = ''): Promise<Uint8Array> {
  try {
    // A FIFO or /dev/zero as --model hung or filled memory: regular files only.
    return await readRegularFile(path);
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: the directory given is a file (e.g. --resume run/model.dualphi).
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new CliError(`no ${what} at ${path}${hint}`);
    throw new CliError(`cannot read ${path}: ${errorMessage(error)}`);
  }
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'ENOENT') return 'cannot be created there';
  if (code === 'ENOTDIR') return 'a part of the path is a file, not a directory';
  return errorMessage(error);
}

/**
 * Makes sure `--out DIR` is a writable directory before any training starts, so a typo costs
 * seconds, not a finished run. Missing directories are made one level at a time: Node's
 * recursive `mkdir` never settles under some pseudo file systems (`/proc`).
 * @param flag - the option, for messages (`--out`).
 * @throws CliError naming the directory and the reason.
 */
export async function prepareOutDirectory(directory: string, flag = '--out'): Promise<void> {
  // An empty value (`--out ""`, an unset shell variable) would resolve to the working directory.
  if (directory.trim() === '') {
    throw new UsageError(`${flag} needs a directory name (got an empty value)`);
  }
  const missing: string[] = [];
  let existing = resolve(directory);
  for (;;) {
    try {
      if (!(await stat(existing)).isDirectory()) {
        throw new CliError(`${flag} ${directory}: ${existing} exists and is not a directory`);
      }
      break;
    } catch (error) {
      if (error instanceof CliError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' || dirname(existing) === existing) {
        throw new CliError(`${flag} ${directory}: ${reasonOf(error)}`);
      }
      missing.unshift(existing);
      existing = dirname(existing);
    }
  }
  try {
    for (const path of missing) await mkdir(path);
    await access(resolve(directory), constants.W_OK);
  } catch (error) {
    throw new CliError(`${flag} ${directory}: not a writable directory (${reasonOf(error)})`);
  }
}

/** Writes a training checkpoint into `directory` atomically; returns its path. */
export async function saveCheckpoint(directory: string, checkpoint: Checkpoint): Promise<string> {
  const path = join(directory, runFiles.checkpoint);
  await writeFileAtomic(path, encodeCheckpoint(checkpoint));
  return path;
}

/** Reads and validates the checkpoint of a run directory (`--resume DIR`). */
export async function loadCheckpoint(directory: string): Promise<Checkpoint> {
  const path = join(directory, runFiles.checkpoint);
  const bytes = await readExisting(
    path,
    'checkpoint',
    ' (--resume takes a directory written by train --out or by an interrupted train)',
  );
  try {
    return decodeCheckpoint(bytes);
  } catch (error) {
    throw new CliError(`${path}: ${errorMessage(error)}`);
  }
}

/** Reads and validates a saved model: `--model DIR` (its model.dualphi) or a model file. */
export async function loadSavedModel(
  location: string,
): Promise<{ model: SavedModel; path: string }> {
  let path = location;
  try {
    if ((await stat(location)).isDirectory()) path = join(location, runFiles.model);
  } catch {
    throw new CliError(`--model ${location}: no such file or directory`);
  }
  const bytes = await readExisting(path, 'model');
  try {
    return { model: decodeSavedModel(bytes), path };
  } catch (error) {
    throw new CliError(`${path}: ${errorMessage(error)}`);
  }
}

/** Writes the CSV feature standardisation of a run (`scaling.json`). */
export async function saveScaling(directory: string, scaling: CsvScaling): Promise<void> {
  await writeFileAtomic(join(directory, runFiles.scaling), `${JSON.stringify(scaling)}\n`);
}

/**
 * Reads `scaling.json` of `directory`, or undefined when there is none (the model was not
 * trained on CSV data). With `required`, a missing file is an error naming it: the run says it
 * was standardised, and refitting the standardisation on other rows would be silently wrong.
 */
export async function loadScaling(
  directory: string,
  required?: string,
): Promise<CsvScaling | undefined> {
  const path = join(directory, runFiles.scaling);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (required === undefined && code === 'ENOENT') return undefined;
    throw new CliError(
      `cannot read ${path} (${code === 'ENOENT' ? 'no such file' : reasonOf(error)}): ${required ?? 'the feature standardisation of the run'}; dualphi never fits it on evaluation data`,
    );
  }
  try {
    const value = JSON.parse(text) as CsvScaling;
    const valid =
      value.scaling === 'standard' &&
      Array.isArray(value.offset) &&
      Array.isArray(value.factor) &&
      value.offset.length === value.factor.length &&
      [...value.offset, ...value.factor].every((x) => typeof x === 'number' && Number.isFinite(x));
    if (!valid)
      throw new Error(
        'expected {"scaling":"standard","offset":[…],"factor":[…]} of finite numbers',
      );
    return value;
  } catch (error) {
    throw new CliError(`${path}: ${errorMessage(error)}`);
  }
}
