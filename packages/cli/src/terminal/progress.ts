/**
 * Live training progress: a cli-progress bar per epoch on a terminal (batches, samples/s,
 * ETA, running loss) on stderr; when the epoch ends, one aligned row of its metrics when results
 * go to a terminal, else one self-describing plain line (pipes, files, `--json`).
 *
 * On a terminal both fit its width: a row that would wrap leaves out its least telling columns
 * (the target entropy, 0 with one-hot labels, first) and the bar drops its rate and ETA, since
 * a wrapped row breaks the table and a wrapped bar cannot be redrawn in place.
 */
import type { BatchEvent, EpochMetrics } from '@dualphi/optimizer';
import cliProgress from 'cli-progress';
import { formatDegrees, formatNats, formatPercent, formatRate, formatSeconds } from './format.js';
import type { Output } from './output.js';

/** What the progress display needs from the optimizer package's `BatchEvent`. */
export type BatchProgress = Pick<
  BatchEvent,
  'epoch' | 'batch' | 'batches' | 'loss' | 'samplesPerSecond'
>;

/**
 * What an epoch row shows, picked from the optimizer package's `EpochMetrics` so that names and
 * meanings cannot drift apart.
 */
export type EpochRow = Pick<
  EpochMetrics,
  | 'epoch'
  | 'trainLoss'
  | 'testLoss'
  | 'testAccuracy'
  | 'divergence'
  | 'entropy'
  | 'predictionEntropy'
  | 'balanceDegrees'
  | 'seconds'
  | 'validationAccuracy'
>;

/** One column of the epoch table: its title, width (the widest usual cell) and cell. */
interface EpochColumn {
  title: string;
  width: number;
  /** Leaving-out rank when the row is too wide: 1 goes first; 0 is never left out. */
  dropRank: number;
}

const columns: readonly EpochColumn[] = [
  { title: 'epoch', width: 5, dropRank: 0 },
  { title: 'train loss', width: 10, dropRank: 5 },
  { title: 'test loss', width: 9, dropRank: 7 },
  { title: 'accuracy', width: 8, dropRank: 0 }, // "100.00%"
  { title: 'divergence', width: 10, dropRank: 3 }, // = test loss with one-hot labels
  { title: 'entropy', width: 7, dropRank: 1 }, // 0 with one-hot labels
  { title: 'H(q)', width: 6, dropRank: 2 },
  { title: 'balance', width: 7, dropRank: 6 }, // "45.0°"
  { title: 'time', width: 6, dropRank: 4 }, // "1m 05s"
];

function epochCells(row: EpochRow, totalEpochs: number): string[] {
  return [
    `${row.epoch}/${totalEpochs}`,
    formatNats(row.trainLoss),
    formatNats(row.testLoss),
    formatPercent(row.testAccuracy),
    formatNats(row.divergence),
    formatNats(row.entropy),
    formatNats(row.predictionEntropy),
    formatDegrees(row.balanceDegrees),
    formatSeconds(row.seconds),
  ];
}

/**
 * Which columns of the epoch table are shown, and how wide each is, for a run of
 * `totalEpochs` in `width` columns (all of them when the width is unknown).
 */
export interface EpochLayout {
  /** Indices into the full column list, in display order. */
  shown: number[];
  /** Width of each column of the full list. */
  widths: number[];
}

/** The widest table of the epoch columns that fits `width` (every column when undefined). */
export function epochLayout(totalEpochs: number, width?: number): EpochLayout {
  const epochWidth = 2 * String(totalEpochs).length + 1;
  const widths = columns.map((column, index) =>
    index === 0 ? Math.max(column.width, epochWidth) : column.width,
  );
  const shown = columns.map((_, index) => index);
  const length = () => shown.reduce((sum, index) => sum + widths[index] + 1, -1);
  const dropOrder = columns
    .map((column, index) => ({ rank: column.dropRank, index }))
    .filter((entry) => entry.rank > 0)
    .sort((a, b) => a.rank - b.rank);
  for (const { index } of dropOrder) {
    if (width === undefined || length() <= width) break;
    shown.splice(shown.indexOf(index), 1);
  }
  return { shown, widths };
}

/** The aligned header of the epoch table (all columns unless a narrower layout is given). */
export function epochHeader(layout: EpochLayout = epochLayout(1)): string {
  return layout.shown.map((index) => columns[index].title.padStart(layout.widths[index])).join(' ');
}

/** One aligned epoch row under the {@link epochHeader} of the same layout. */
export function epochTableRow(
  row: EpochRow,
  totalEpochs: number,
  layout: EpochLayout = epochLayout(totalEpochs),
): string {
  const cells = epochCells(row, totalEpochs);
  return layout.shown.map((index) => cells[index].padStart(layout.widths[index])).join(' ');
}

/**
 * The progress bar's line for the given width: everything when it fits, else without the
 * rate, then the ETA, then the word "batches", then the loss; the bar 6 to 24 characters.
 */
export function progressBarFormat(
  label: string,
  totalEpochs: number,
  batches: number,
  width?: number,
): { format: string; barsize: number } {
  const epochText = 2 * String(totalEpochs).length + 1;
  const batchText = 2 * String(batches).length + 1;
  const parts = {
    head: `${label}epoch {epoch} `,
    batches: ' {value}/{total} batches',
    count: ' {value}/{total}',
    rate: ' | {rate} samples/s',
    eta: ' | ETA {eta_formatted}',
    loss: ' | loss {loss}',
  };
  // The longest each placeholder usually becomes: "1,234,567", "1h23m", "12.3456".
  const lengths = {
    head: label.length + 6 + epochText + 1,
    batches: 9 + batchText,
    count: 1 + batchText,
    rate: 14 + 9,
    eta: 7 + 6,
    loss: 8 + 7,
  };
  const variants: (keyof typeof parts)[][] = [
    ['head', 'batches', 'rate', 'eta', 'loss'],
    ['head', 'batches', 'eta', 'loss'],
    ['head', 'batches', 'loss'],
    ['head', 'count', 'loss'],
    ['head', 'count'],
  ];
  const maxBar = 24;
  const minBar = 6;
  let chosen = variants[variants.length - 1];
  for (const variant of variants) {
    const fixed = variant.reduce((sum, part) => sum + lengths[part], 0);
    if (width === undefined || fixed + maxBar <= width - 1) {
      chosen = variant;
      break;
    }
    if (fixed + minBar <= width - 1) {
      chosen = variant;
      break;
    }
  }
  const fixed = chosen.reduce((sum, part) => sum + lengths[part], 0);
  // The last resort on a very narrow terminal: a bar of two characters rather than a wrap.
  const barsize = width === undefined ? maxBar : Math.max(2, Math.min(maxBar, width - 1 - fixed));
  const format = chosen
    .map((part) => (part === 'head' ? `${parts.head}{bar}` : parts[part]))
    .join('');
  return { format, barsize };
}

/** One self-describing plain line per epoch, for logs and pipes. */
export function epochPlainLine(row: EpochRow, totalEpochs: number, label?: string): string {
  const cells = epochCells(row, totalEpochs);
  const prefix = label ? `${label} ` : '';
  return (
    `${prefix}epoch ${cells[0]}: train loss ${cells[1]}, ` +
    (row.validationAccuracy !== undefined
      ? `validation accuracy ${formatPercent(row.validationAccuracy)}, `
      : '') +
    `test loss ${cells[2]}, ` +
    `accuracy ${cells[3]}, divergence ${cells[4]}, entropy ${cells[5]}, ` +
    `prediction entropy ${cells[6]}, balance ${cells[7]}, ${cells[8]}`
  );
}

/** Draws training progress for one run; call `batch` and `epoch` from the training events. */
export class TrainingProgress {
  private bar: cliProgress.SingleBar | undefined;
  private headerShown = false;
  private layout: EpochLayout | undefined;

  /**
   * @param output - where to draw.
   * @param totalEpochs - the number of epochs the run ends at (for "3/10").
   * @param label - optional prefix (the optimizer name in `compare`).
   */
  constructor(
    private readonly output: Output,
    private readonly totalEpochs: number,
    private readonly label?: string,
  ) {}

  /** Updates the bar with one batch event (no-op unless interactive). */
  batch(event: BatchProgress): void {
    if (!this.output.interactive) return;
    const payload = {
      epoch: `${event.epoch}/${this.totalEpochs}`,
      rate: formatRate(event.samplesPerSecond),
      loss: formatNats(event.loss),
    };
    if (!this.bar) {
      this.showHeader();
      const colors = this.output.errorColors;
      const label = this.label ? `${this.label} ` : '';
      const { format, barsize } = progressBarFormat(
        label,
        this.totalEpochs,
        event.batches,
        this.output.progressWidth,
      );
      this.bar = new cliProgress.SingleBar(
        {
          format: format.replace('{bar}', colors.cyan('{bar}')),
          stream: this.output.progressStream as NodeJS.WritableStream,
          clearOnComplete: true,
          hideCursor: true,
          barsize,
          fps: 10,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(event.batches, 0, payload);
    }
    this.bar.update(event.batch, payload);
  }

  /** Ends the epoch's bar and prints its row (or plain line). */
  epoch(row: EpochRow): void {
    this.stopBar();
    if (this.output.resultIsTerminal) {
      this.showHeader();
      const prefix = this.label ? `${this.label} ` : '';
      this.output.result(`${prefix}${epochTableRow(row, this.totalEpochs, this.tableLayout())}`);
    } else {
      this.output.result(epochPlainLine(row, this.totalEpochs, this.label));
    }
  }

  /** Removes a bar still drawn (on abort or error). */
  stop(): void {
    this.stopBar();
  }

  private stopBar(): void {
    if (this.bar) {
      this.bar.stop();
      this.bar = undefined;
    }
  }

  private showHeader(): void {
    if (this.headerShown || !this.output.resultIsTerminal) return;
    this.headerShown = true;
    const prefix = this.label ? ' '.repeat(this.label.length + 1) : '';
    this.output.result(this.output.colors.dim(`${prefix}${epochHeader(this.tableLayout())}`));
  }

  /** The columns that fit the terminal, chosen once so that every row lines up. */
  private tableLayout(): EpochLayout {
    if (!this.layout) {
      const width = this.output.resultWidth;
      const prefix = this.label ? this.label.length + 1 : 0;
      this.layout = epochLayout(this.totalEpochs, width === undefined ? undefined : width - prefix);
    }
    return this.layout;
  }
}
