/**
 * An exploding loss: training whose loss grows far beyond where it started while staying
 * finite (e.g. plain SGD with η = 1000: 1.8e10 nats). The engine only stops on NaN and ±∞,
 * so the command watches the epochs: it warns, and under `--stop-on-divergence` stops the run.
 */
import type { EpochMetrics } from '@dualphi/optimizer';
import { formatNats } from '../terminal/format.js';
import type { Output } from '../terminal/output.js';

/**
 * What counts as exploding: an epoch whose mean training or test loss exceeds this many times
 * ln K nats (K classes; ln K is the loss of predicting every class equally, where training
 * starts).
 */
export const explodingLossFactor = 10;

/** The loss above which an epoch counts as exploding ({@link explodingLossFactor}). */
export function explodingLossLimit(classCount: number): number {
  return explodingLossFactor * Math.log(classCount);
}

/** Watches the epochs of one run for an exploding loss. */
export interface ExplosionWatch {
  /** The first exploding epoch's description, once there is one. */
  readonly exploded: string | undefined;
  /** Looks at one epoch's metrics. */
  check(metrics: EpochMetrics): void;
}

/** Options of {@link watchExplosion}. */
export interface ExplosionOptions {
  /** Where the warning goes. */
  output: Output;
  /** The number of classes K. */
  classCount: number;
  /** Stop (abort `stop`) instead of warning: `--stop-on-divergence`. */
  stopOnDivergence: boolean;
  /** Aborted when the loss explodes under `stopOnDivergence`. */
  stop: AbortController;
  /** Called before the warning is printed (e.g. to clear a progress bar). */
  beforeWarning?: () => void;
}

/** Starts watching: call {@link ExplosionWatch.check} after every epoch. */
export function watchExplosion(options: ExplosionOptions): ExplosionWatch {
  const { output, classCount } = options;
  const limit = explodingLossLimit(classCount);
  let exploded: string | undefined;
  return {
    get exploded() {
      return exploded;
    },
    check(metrics) {
      if (exploded !== undefined) return;
      const loss = Math.max(metrics.trainLoss, metrics.testLoss);
      if (!(loss > limit)) return;
      exploded =
        `the loss is exploding: epoch ${metrics.epoch} has a ${metrics.trainLoss > metrics.testLoss ? 'training' : 'test'} loss of ` +
        `${formatNats(loss)} nats, more than ${explodingLossFactor} × ln ${classCount} = ${formatNats(limit)} ` +
        '(ln K is the loss of an even guess)';
      if (options.stopOnDivergence) {
        options.stop.abort(new Error(exploded));
        return;
      }
      options.beforeWarning?.();
      output.message(
        output.errorColors.yellow(
          `warning: ${exploded}. Try a smaller learning rate; --stop-on-divergence makes this an error (exit 1).`,
        ),
      );
    },
  };
}
