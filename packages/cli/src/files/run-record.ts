/**
 * `run.json`: what a run directory needs to be used again without the command line that made
 * it — the data source and its reading options, the train/test split, the feature scaling, the
 * network and optimizer, the loop settings, the software and the run's status. `evaluate
 * --model DIR` and `train --resume DIR` read their data from it; a flag that contradicts it is
 * a usage error naming both values.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DatasetSummary, NetworkConfig, OptimizerConfig } from '@dualphi/optimizer';
import { Command } from 'commander';
import { CliError, errorMessage, UsageError } from '../errors.js';
import { optimizerLabel } from '../optimizers/choose.js';
import { addDataOptions, type DataOptions } from '../options/common.js';
import { runFiles } from './run-directory.js';

/** Version of the `run.json` layout written by this release (read: this one only). */
export const RUN_RECORD_VERSION = 1;

/** Where a run stands. */
export type RunStatus = 'running' | 'finished' | 'interrupted' | 'diverged';

const statuses: readonly RunStatus[] = ['running', 'finished', 'interrupted', 'diverged'];

/**
 * How the test set was drawn: the source's own test part (`digits`, `fashion-mnist`, IDX
 * directories), a separate file (`--test`), or a seeded stratified fraction of the data file
 * (`--test-split`, whose training rows `evaluate` must never score).
 */
export type RecordedSplit =
  | { kind: 'source' }
  | { kind: 'file'; test: string }
  | { kind: 'fraction'; fraction: number; seed: number; stratified: true };

/**
 * The feature scaling: `standard` (CSV: fitted on the training part, kept in `scaling.json`)
 * or `source` (the source's fixed map: digits ÷ 16, IDX pixels ÷ 255).
 */
export type RecordedScaling = { method: 'standard'; file: string } | { method: 'source' };

/** An optimizer as `run.json` records it: its command-line label and its configuration. */
export interface RecordedOptimizer extends OptimizerConfig {
  /** `golden`, `adam`, … (`optimizerLabel`). */
  label: string;
}

/** The content of `run.json`. */
export interface RunRecord {
  /** {@link RUN_RECORD_VERSION}. */
  version: number;
  /** The command that wrote the directory. */
  command: 'train' | 'compare';
  /** Where the run stands. */
  status: RunStatus;
  /** The `@dualphi/cli` version. */
  dualphi: string;
  /**
   * The kernel build the run trained on (`wasm-simd`, `wasm-relaxed-simd`, `reference`); `train
   * --resume` asks for the same build, as results are bit-identical only within one build.
   */
  kernels: string;
  /** ISO 8601 times; `endedAt` is null while running. */
  startedAt: string;
  endedAt: string | null;
  /** The data flags (every one the commands declare), with paths made absolute. */
  data: Record<string, string | number | boolean>;
  /** What the data resolved to: a short name, its origin, and the two sets' sizes. */
  source: { name: string; origin: string; train: DatasetSummary; test: DatasetSummary };
  /** How the test set was drawn. */
  split: RecordedSplit;
  /** The feature scaling. */
  scaling: RecordedScaling;
  /** The network (`train`; `compare` trains one per optimizer, all alike). */
  network: NetworkConfig;
  /** The optimizer (`train`). */
  optimizer?: RecordedOptimizer;
  /** The optimizers (`compare`), in order. */
  optimizers?: RecordedOptimizer[];
  /** Epochs planned; `epochsCompleted` of them are done. */
  epochs: number;
  epochsCompleted: number;
  batchSize: number;
  seed: number;
  labelSmoothing: number;
  /** For `diverged`: what happened. */
  message?: string;
  /** What was warned about while the run went on (an exploding loss). */
  warnings?: string[];
}

/** The data sources that are names, not paths. */
const namedSources = new Set(['digits', 'fashion-mnist']);

/** The data options holding a path (recorded absolute, so the run can be used from anywhere). */
const pathOptions = new Set(['data', 'test']);

/**
 * The attribute names of every data flag the commands declare (`data`, `label`, `test`,
 * `testSplit`, and whatever `addDataOptions` gains), so `run.json` records them all.
 */
export function dataOptionNames(): string[] {
  return addDataOptions(new Command()).options.map((option) => option.attributeName());
}

/** `testSplit` → `--test-split`. */
export function flagName(attribute: string): string {
  return `--${attribute.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** A data option's value as recorded: paths absolute. */
export function normaliseDataValue(name: string, value: unknown): unknown {
  if (pathOptions.has(name) && typeof value === 'string') {
    return name === 'data' && namedSources.has(value) ? value : resolve(value);
  }
  return value;
}

/** The data flags of `options` as `run.json` records them. */
export function recordedData(options: DataOptions): RunRecord['data'] {
  const data: RunRecord['data'] = {};
  const given = options as unknown as Record<string, unknown>;
  for (const name of dataOptionNames()) {
    const value = normaliseDataValue(name, given[name]);
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      data[name] = value;
    }
  }
  // The split is recorded on its own (with its effective fraction and seed).
  delete data.testSplit;
  return data;
}

/** True when `source` is read as a CSV file (the rule of `resolveData`). */
export function isCsvSource(source: string): boolean {
  return /\.(csv|txt)$/i.test(source);
}

/** The split a training run's data options give. */
export function recordedSplit(options: DataOptions, seed: number): RecordedSplit {
  if (!isCsvSource(options.data)) return { kind: 'source' };
  if (options.test !== undefined) return { kind: 'file', test: resolve(options.test) };
  return { kind: 'fraction', fraction: options.testSplit ?? 0.2, seed, stratified: true };
}

/** The data options that reproduce a recorded run's data and split (for `resolveData`). */
export function dataOptionsOf(record: RunRecord): DataOptions {
  const options = { ...record.data } as unknown as DataOptions;
  if (record.split.kind === 'file') options.test = record.split.test;
  if (record.split.kind === 'fraction') options.testSplit = record.split.fraction;
  return options;
}

/** An optimizer configuration with its command-line label. */
export function recordedOptimizer(config: OptimizerConfig): RecordedOptimizer {
  return { label: optimizerLabel(config), ...config };
}

let cliVersion: string | undefined;

/** The `@dualphi/cli` version (from its package.json). */
export function dualphiVersion(): string {
  cliVersion ??= (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    }
  ).version;
  return cliVersion;
}

/** `run.json`'s text. */
export function runRecordText(record: RunRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The first problem of a parsed `run.json`, or undefined when it is a valid record. */
function problemOf(value: unknown): string | undefined {
  if (!isObject(value)) return 'not a JSON object';
  if (typeof value.version !== 'number') return 'no "version" number';
  if (value.version > RUN_RECORD_VERSION) {
    return `version ${value.version} was written by a newer dualphi (this one reads version ${RUN_RECORD_VERSION}); upgrade @dualphi/cli`;
  }
  if (value.version !== RUN_RECORD_VERSION) {
    return `version ${value.version} is not supported (this one reads version ${RUN_RECORD_VERSION})`;
  }
  if (value.command !== 'train' && value.command !== 'compare') {
    return '"command" must be "train" or "compare"';
  }
  if (!statuses.includes(value.status as RunStatus)) {
    return `"status" must be one of ${statuses.join(', ')}`;
  }
  const data = value.data;
  if (!isObject(data) || typeof data.data !== 'string') return '"data" must name the data source';
  for (const [key, entry] of Object.entries(data)) {
    if (!['string', 'number', 'boolean'].includes(typeof entry)) {
      return `"data.${key}" must be a string, number or boolean`;
    }
  }
  const split = value.split;
  const splitValid =
    isObject(split) &&
    (split.kind === 'source' ||
      (split.kind === 'file' && typeof split.test === 'string') ||
      (split.kind === 'fraction' &&
        typeof split.fraction === 'number' &&
        split.fraction > 0 &&
        split.fraction < 1 &&
        Number.isSafeInteger(split.seed)));
  if (!splitValid) {
    return '"split" must be {"kind":"source"}, {"kind":"file","test"} or {"kind":"fraction","fraction","seed"}';
  }
  const scaling = value.scaling;
  if (
    !isObject(scaling) ||
    !(
      scaling.method === 'source' ||
      (scaling.method === 'standard' && typeof scaling.file === 'string')
    )
  ) {
    return '"scaling" must be {"method":"source"} or {"method":"standard","file"}';
  }
  for (const key of ['epochs', 'epochsCompleted', 'batchSize', 'seed'] as const) {
    if (!Number.isSafeInteger(value[key]) || (value[key] as number) < 0) {
      return `"${key}" must be a whole number ≥ 0`;
    }
  }
  if (!isObject(value.network)) return '"network" is missing';
  return undefined;
}

/**
 * Reads and validates `run.json` of `directory`; undefined when there is none (a directory
 * written before run.json existed).
 * @throws CliError naming the file and its first problem.
 */
export async function readRunRecord(directory: string): Promise<RunRecord | undefined> {
  const path = join(directory, runFiles.run);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new CliError(`cannot read ${path}: ${errorMessage(error)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${path} is not valid JSON (${errorMessage(error)})`);
  }
  const problem = problemOf(value);
  if (problem) throw new CliError(`${path}: ${problem}`);
  return value as RunRecord;
}

/** A recorded value in the words of its flag, for messages: `--test-split 0.2 (seed 0)`. */
function describeRecorded(record: RunRecord, name: string): string {
  if (name === 'testSplit') {
    if (record.split.kind === 'fraction') {
      return `--test-split ${record.split.fraction} (seed ${record.split.seed})`;
    }
    if (record.split.kind === 'file') return `--test ${record.split.test}`;
    return `the test part of ${record.data.data}`;
  }
  if (name === 'test') {
    if (record.split.kind === 'file') return `--test ${record.split.test}`;
    if (record.split.kind === 'fraction') return `--test-split ${record.split.fraction}`;
    return `the test part of ${record.data.data}`;
  }
  const value = record.data[name];
  return value === undefined ? `no ${flagName(name)}` : `${flagName(name)} ${value}`;
}

/**
 * Refuses data flags given on the command line that differ from the run's: each is a usage
 * error naming the flag, its value and the run's.
 * @param given - the data option names given explicitly.
 * @param where - the run directory, for the message.
 */
export function checkDataFlags(
  record: RunRecord,
  options: DataOptions,
  given: readonly string[],
  where: string,
): void {
  const recorded = dataOptionsOf(record) as unknown as Record<string, unknown>;
  const values = options as unknown as Record<string, unknown>;
  for (const name of given) {
    const mine = normaliseDataValue(name, values[name]);
    if (mine === normaliseDataValue(name, recorded[name])) continue;
    throw new UsageError(
      `${flagName(name)} ${String(values[name])} contradicts the run in ${where}, which used ${describeRecorded(record, name)}; drop the flag (the run's data is taken from its run.json) or start a new run`,
    );
  }
}
