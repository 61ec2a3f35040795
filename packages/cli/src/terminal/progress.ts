/**
 * Live training progress: a cli-progress bar per epoch on a terminal (batches, samples/s,
 * ETA, running loss) on stderr; when the epoch ends, one aligned row of its metrics when results
 * go to a terminal, else one self-describing plain line (pipes, files, `--json`).
 */
import type { BatchEvent, EpochMetrics } from '@dualphi/optimizer';
import cliProgress from 'cli-progress';
import { formatAngle, formatNats, formatPercent, formatRate, formatSeconds } from './format.js';
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
  | 'balanceAngle'
  | 'seconds'
  | 'validationAccuracy'
>;

const columns = [
  { title: 'epoch', width: 7 },
  { title: 'train loss', width: 11 },
  { title: 'test loss', width: 10 },
  { title: 'accuracy', width: 9 },
  { title: 'divergence', width: 11 },
  { title: 'entropy', width: 8 },
  { title: 'H(q)', width: 7 },
  { title: 'balance', width: 8 },
  { title: 'time', width: 7 },
] as const;

function epochCells(row: EpochRow, totalEpochs: number): string[] {
  return [
    `${row.epoch}/${totalEpochs}`,
    formatNats(row.trainLoss),
    formatNats(row.testLoss),
    formatPercent(row.testAccuracy),
    formatNats(row.divergence),
    formatNats(row.entropy),
    formatNats(row.predictionEntropy),
    formatAngle(row.balanceAngle),
    formatSeconds(row.seconds),
  ];
}

/** The aligned header of the epoch table. */
export function epochHeader(): string {
  return columns.map((column) => column.title.padStart(column.width)).join(' ');
}

/** One aligned epoch row under {@link epochHeader}. */
export function epochTableRow(row: EpochRow, totalEpochs: number): string {
  return epochCells(row, totalEpochs)
    .map((cell, index) => cell.padStart(columns[index].width))
    .join(' ');
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
      this.bar = new cliProgress.SingleBar(
        {
          format:
            `${label}epoch {epoch} ${colors.cyan('{bar}')} {value}/{total} batches | ` +
            '{rate} samples/s | ETA {eta_formatted} | loss {loss}',
          stream: this.output.progressStream as NodeJS.WritableStream,
          clearOnComplete: true,
          hideCursor: true,
          barsize: 24,
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
      this.output.result(`${prefix}${epochTableRow(row, this.totalEpochs)}`);
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
    this.output.result(this.output.colors.dim(`${prefix}${epochHeader()}`));
  }
}
