/**
 * Metrics files: `metrics.csv` (one row per epoch, and per optimizer for `compare`) — the
 * JSON files are the same documents `--json` prints.
 */
import type { EpochMetrics } from '@dualphi/optimizer';

/** The per-epoch fields written, in column order (all of the optimizer's `EpochMetrics`). */
export const epochColumns = [
  'epoch',
  'trainLoss',
  'trainAccuracy',
  'testLoss',
  'testAccuracy',
  'divergence',
  'entropy',
  'predictionEntropy',
  'balanceDegrees',
  'balanceCosine',
  'seconds',
  'samplesPerSecond',
] as const;

/** The validation figures, written (after `trainAccuracy`) only by runs with a validation split. */
export const validationColumns = ['validationLoss', 'validationAccuracy'] as const;

/**
 * One epoch's figures by column name, picked from the optimizer package's `EpochMetrics` (a
 * column it does not have is a type error).
 */
export type EpochRecord = Pick<
  EpochMetrics,
  (typeof epochColumns)[number] | (typeof validationColumns)[number]
>;

function csvCell(value: number | string | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * The CSV text of one or more runs' epochs. With `runs` of more than one entry (or a
 * `runColumn` name), the first column names the run.
 */
export function metricsCsv(
  runs: readonly { name: string; epochs: readonly EpochRecord[] }[],
  runColumn?: string,
): string {
  const lines: string[] = [];
  const validated = runs.some((run) => run.epochs.some((e) => e.validationAccuracy !== undefined));
  const columns: (keyof EpochRecord)[] = validated
    ? [...epochColumns.slice(0, 3), ...validationColumns, ...epochColumns.slice(3)]
    : [...epochColumns];
  const header = runColumn ? [runColumn, ...columns] : [...columns];
  lines.push(header.join(','));
  for (const run of runs) {
    for (const epoch of run.epochs) {
      const cells = columns.map((column) => csvCell(epoch[column]));
      lines.push((runColumn ? [csvCell(run.name), ...cells] : cells).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Picks the documented per-epoch fields from an `EpochMetrics` (drops anything extra). */
export function epochRecord(metrics: EpochRecord): EpochRecord {
  const record = {} as EpochRecord;
  for (const column of epochColumns) {
    record[column] = metrics[column];
    // In the order the CSV has them: validation figures right after the training ones.
    if (column === 'trainAccuracy' && metrics.validationAccuracy !== undefined) {
      for (const extra of validationColumns) record[extra] = metrics[extra];
    }
  }
  return record;
}
