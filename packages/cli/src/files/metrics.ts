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

/**
 * One epoch's figures by column name, picked from the optimizer package's `EpochMetrics` (a
 * column it does not have is a type error).
 */
export type EpochRecord = Pick<EpochMetrics, (typeof epochColumns)[number]>;

function csvCell(value: number | string): string {
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
  const header = runColumn ? [runColumn, ...epochColumns] : [...epochColumns];
  lines.push(header.join(','));
  for (const run of runs) {
    for (const epoch of run.epochs) {
      const cells = epochColumns.map((column) => csvCell(epoch[column]));
      lines.push((runColumn ? [csvCell(run.name), ...cells] : cells).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Picks the documented per-epoch fields from an `EpochMetrics` (drops anything extra). */
export function epochRecord(metrics: EpochRecord): EpochRecord {
  const record = {} as EpochRecord;
  for (const column of epochColumns) record[column] = metrics[column];
  return record;
}
