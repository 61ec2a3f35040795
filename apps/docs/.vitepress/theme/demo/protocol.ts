/**
 * Messages between the demo page and its training worker. Plain data only (structured
 * clone), so the page never touches kernels or models and the worker never touches the DOM.
 * The metric messages reuse `@dualphi/optimizer`'s exported types (a type-only import: no
 * runtime code of the package reaches the page's bundle through this module).
 */

import type { BatchEvent, EpochMetrics } from '@dualphi/optimizer';

/**
 * An optimizer the demo offers: an `--optimizer` name of the optimizer package's registry
 * (`optimizerPresets`), the same names and settings as the command line.
 */
export type DemoOptimizer = string;

/** One entry of the demo's optimizer menu, sent by the worker from the registry. */
export interface DemoOptimizerChoice {
  /** The preset's name, e.g. `'golden'`. */
  value: DemoOptimizer;
  /** What the menu shows: name and summary (an extension's says that it is this project's). */
  label: string;
  /** True when the optimizer reports the process balance (its chart is empty otherwise). */
  telemetry: boolean;
}

/**
 * Page → worker: train. With `resume` the worker continues from where the last run stopped
 * (the other fields are then ignored); otherwise it starts afresh.
 */
export interface StartMessage {
  type: 'start';
  resume: boolean;
  optimizer: DemoOptimizer;
  /** Width of the single hidden layer. */
  hidden: number;
  /** The run's total number of epochs unless stopped. */
  epochs: number;
  /** Seed of initialisation and shuffling. */
  seed: number;
  /**
   * Shortest wall-clock time per epoch in milliseconds: the worker pauses between epochs so
   * that a fast machine's run can still be watched. 0 trains at full speed. Measured
   * throughput excludes the pauses.
   */
  minEpochMs: number;
}

/** Page → worker: stop the current run between two batches. */
export interface StopMessage {
  type: 'stop';
}

/** Everything the page sends. */
export type ToWorker = StartMessage | StopMessage;

/** Worker → page: data loaded, kernels ready; the test digits drawn in the grid. */
export interface ReadyMessage {
  type: 'ready';
  /** Name of the kernel set (`'wasm-relaxed-simd'` or `'wasm-simd'` when the WebAssembly core loaded). */
  kernels: string;
  trainCount: number;
  testCount: number;
  /** The grid's images, `count × 64` values in [0, 1], row-major 8 × 8. */
  images: Float32Array;
  /** The grid's true labels. */
  labels: Int32Array;
  /** The optimizer menu, from the registry. */
  optimizers: DemoOptimizerChoice[];
}

/**
 * Worker → page: progress within an epoch (throttled): `train()`'s `BatchEvent` as it is.
 * The fields come from the optimizer package's type, so the demo cannot drift from it.
 */
export interface BatchMessage extends BatchEvent {
  type: 'batch';
}

/**
 * Worker → page: one finished epoch, `train()`'s `EpochMetrics` as they are (loss split,
 * accuracy, process balance — NaN for optimizers without telemetry), plus the grid's
 * predictions with the epoch's weights.
 */
export interface EpochMessage extends EpochMetrics {
  type: 'epoch';
  /** Predicted class of each grid image. */
  predictions: Int32Array;
}

/** Worker → page: the run ended (all epochs, or stopped). */
export interface DoneMessage {
  type: 'done';
  aborted: boolean;
}

/** Worker → page: something failed; the message says what. */
export interface ErrorMessage {
  type: 'error';
  message: string;
}

/** Everything the worker sends. */
export type FromWorker = ReadyMessage | BatchMessage | EpochMessage | DoneMessage | ErrorMessage;

/** How many test digits the grid shows. */
export const GRID_SIZE = 40;
