/**
 * What a sweep prints and writes: the JSON document (`--json` and `sweep.json`), `sweep.csv`
 * and the ranked terminal table. The document separates what the training determines (plan,
 * every cell/seed/epoch figure, the statistics) from `timings` and `machine`, the only parts
 * that differ between two runs of the same sweep on one machine (with any number of workers).
 * Each seed's run names its kernel build, and `summary.kernels` counts them: workers on engines
 * with and without relaxed SIMD compute figures that differ in the last bits.
 */
import { arch, availableParallelism, cpus, platform, totalmem } from 'node:os';
import type { CellSummary, SweepPlan, SweepRecord, SweepSummary } from '@dualphi/optimizer';
import type { Colors } from '../terminal/output.js';
import { renderTable } from '../terminal/table.js';
import type { SweepDescription } from './journal.js';

/** One (cell, seed) run in the document (its time is under `timings`). */
export interface DocumentRun {
  seed: number;
  epochs: SweepRecord['epochs'];
  diverged?: SweepRecord['diverged'];
  /** The kernel build that computed it (absent when the record does not say: unknown). */
  kernels?: string;
  /** Threads of that kernel set. */
  threads?: number;
}

/** The `sweep --json` document and `sweep.json`. */
export interface SweepDocument {
  command: 'sweep';
  settings: SweepDescription['settings'];
  source: SweepDescription['source'];
  data: SweepDescription['data'];
  plan: SweepPlan;
  /** Per cell (plan order): its summary and every seed's epochs. */
  cells: (CellSummary & { runs: number; seeds: DocumentRun[] })[];
  /** Ranking, best cell, test, verdicts and the verdict in words. */
  summary: Omit<SweepSummary, 'cells'>;
  /** True when every (cell, seed) has finished. */
  complete: boolean;
  /**
   * Wall-clock times: differ between runs. `seconds` is the whole sweep's, over every session
   * that wrote this document (a resumed sweep adds its time to the earlier sessions').
   */
  timings: { seconds: number; runs: { cellId: string; seed: number; seconds: number }[] };
  /** Where it ran: differs between machines. */
  machine: {
    platform: string;
    arch: string;
    cpu: string;
    cores: number;
    memoryBytes: number;
    node: string;
    workers: number;
  };
}

/** Builds the document from the records (in plan order) and their summary. */
export function sweepDocument(
  description: SweepDescription,
  records: readonly SweepRecord[],
  summary: SweepSummary,
  complete: boolean,
  timing: { seconds: number; workers: number },
): SweepDocument {
  const { cells, ...rest } = summary;
  return {
    command: 'sweep',
    settings: description.settings,
    source: description.source,
    data: description.data,
    plan: description.plan,
    cells: cells.map((cell) => ({
      ...cell,
      seeds: records
        .filter((record) => record.cellId === cell.cellId)
        .map((record) => ({
          seed: record.seed,
          epochs: record.epochs,
          ...(record.diverged ? { diverged: record.diverged } : {}),
          ...(record.kernels !== undefined ? { kernels: record.kernels } : {}),
          ...(record.threads !== undefined ? { threads: record.threads } : {}),
        })),
    })),
    summary: rest,
    complete,
    timings: {
      seconds: timing.seconds,
      runs: records.map((r) => ({ cellId: r.cellId, seed: r.seed, seconds: r.seconds })),
    },
    machine: {
      platform: platform(),
      arch: arch(),
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: availableParallelism(),
      memoryBytes: totalmem(),
      node: process.version,
      workers: timing.workers,
    },
  };
}

function csvCell(value: number | string | boolean | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * `sweep.csv`: one row per cell, seed and epoch, and the kernel build that computed the run
 * (last, so the earlier columns keep their places; empty for runs journaled before it was).
 */
export function sweepCsv(plan: SweepPlan, records: readonly SweepRecord[]): string {
  const header = [
    'cell',
    'kind',
    'learningRate',
    'momentum',
    'golden',
    'seed',
    'epoch',
    'trainLoss',
    'validationLoss',
    'validationAccuracy',
    'testLoss',
    'testAccuracy',
    'diverged',
    'kernels',
  ];
  const lines = [header.join(',')];
  const cells = new Map(plan.cells.map((cell) => [cell.id, cell]));
  for (const record of records) {
    const cell = cells.get(record.cellId);
    if (!cell) continue;
    for (const epoch of record.epochs) {
      lines.push(
        [
          cell.label,
          cell.kind,
          cell.learningRate,
          cell.momentum,
          cell.golden,
          record.seed,
          epoch.epoch,
          epoch.trainLoss,
          epoch.validationLoss,
          epoch.validationAccuracy,
          epoch.testLoss,
          epoch.testAccuracy,
          record.diverged ? `epoch ${record.diverged.epoch} (${record.diverged.quantity})` : '',
          record.kernels,
        ]
          .map(csvCell)
          .join(','),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

const pct = (value: number): string => (Number.isFinite(value) ? (value * 100).toFixed(2) : '—');

/** Mean ± sd in percent: "97.12±0.30". */
function meanSd(cell: CellSummary): string {
  const { mean, sd } = cell.validationAccuracy;
  if (!Number.isFinite(mean))
    return cell.diverged > 0 ? `diverged ${cell.diverged}/${cell.runs}` : '—';
  return Number.isFinite(sd) ? `${pct(mean)}±${pct(sd)}` : pct(mean);
}

/** The 95 % interval in percent: "96.4–97.8". */
function interval(cell: CellSummary): string {
  const { low, high } = cell.validationAccuracy;
  return Number.isFinite(low) ? `${(low * 100).toFixed(1)}–${(high * 100).toFixed(1)}` : '—';
}

/** How many of the best cells the terminal table shows besides the golden pair and the entries. */
export const TABLE_TOP = 5;

/**
 * The ranked table (fits 80 columns): the best cells, the golden pair and every named entry,
 * in rank order, with a marker column (★ golden, · entry); `unit` heads the label column
 * (`optimizer` for compare); given the terminal's `width`, it abbreviates and drops columns.
 */
export function rankedTable(
  plan: SweepPlan,
  summary: SweepSummary,
  colors: Colors,
  unit: 'cell' | 'optimizer' = 'cell',
  width?: number,
): string {
  const byId = new Map(summary.cells.map((cell) => [cell.cellId, cell]));
  const planCells = new Map(plan.cells.map((cell) => [cell.id, cell]));
  const shown = summary.ranking.filter((id, index) => {
    const cell = planCells.get(id);
    return index < TABLE_TOP || cell?.golden === true || cell?.kind !== 'grid';
  });
  const rows = shown.map((id) => {
    const cell = byId.get(id) as CellSummary;
    const planCell = planCells.get(id);
    const label = cell.label.length > 22 ? `${cell.label.slice(0, 21)}…` : cell.label;
    return [
      String(cell.rank),
      planCell?.golden ? `★ ${label}` : label,
      meanSd(cell),
      interval(cell),
      pct(cell.testAccuracy.mean),
      Number.isFinite(cell.validationLoss.mean) ? cell.validationLoss.mean.toFixed(4) : '—',
    ];
  });
  return renderTable(['#', unit, 'val. acc. %', '95 % CI', 'test %', 'val. loss'], rows, colors, {
    alignRight: [0, 2, 3, 4, 5],
    width,
    shortHead: { 1: unit === 'cell' ? 'cell' : 'opt.', 2: 'val.%', 3: 'CI', 4: 'test%', 5: 'loss' },
    // Narrow terminals: the loss, the test figure, then the interval go; the rank stays.
    dropOrder: [5, 4, 3],
  });
}
