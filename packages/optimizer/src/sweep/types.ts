/**
 * The shapes of a sweep: its plan (cells × seeds), the record of one finished (cell, seed)
 * run, and the summary with the statistics and the verdict. All plain JSON-able data, so a
 * plan and records can cross a worker boundary or be stored line by line.
 */
import type { DataSplit } from '../data/types.js';
import type { OptimizerKind } from '../optimizers/define.js';
import type { OptimizerConfig } from '../optimizers/types.js';
import type { DivergedQuantity } from '../training/errors.js';
import type { Activation } from '../training/types.js';

/** One cell of a sweep: an optimizer configuration that every seed trains with. */
export interface SweepCell {
  /** Stable identifier, e.g. `grid:0.0158679…:0.874032…` or `entry:adam@1e-3`. */
  id: string;
  /** Short label for tables, e.g. `η=0.01587 α=0.874` or `adam@1e-3`. */
  label: string;
  /** `grid` for the heavy-ball grid, else the registry kind of the entry's optimizer. */
  kind: 'grid' | OptimizerKind;
  /** The optimizer, as `optimizerFromConfig` rebuilds it. */
  optimizer: OptimizerConfig;
  /** The grid's η (grid cells only). */
  learningRate?: number;
  /** The grid's α (grid cells only). */
  momentum?: number;
  /** True for the grid cell (η*, α*) of the papers. */
  golden: boolean;
}

/** What a sweep trains: its cells, each with every seed. */
export interface SweepPlan {
  /** Grid cells (η ascending, then α ascending) followed by the named entries, as given. */
  cells: SweepCell[];
  /** The seeds every cell trains with (common random numbers, see {@link SweepTask}). */
  seeds: number[];
  /** The grid's learning rates, ascending (empty without a grid). */
  learningRates: number[];
  /** The grid's momenta, ascending (empty without a grid). */
  momenta: number[];
}

/**
 * The training settings every cell shares: the same network, data, epochs, batch size and
 * validation split, so cells differ only in their optimizer.
 */
export interface SweepSetup {
  /** Training and test data; the validation rows are carved from `data.train` per seed. */
  data: DataSplit;
  /** Hidden layer sizes. */
  hidden: number[];
  /** Hidden activation. */
  activation: Activation;
  /** Epochs per run. */
  epochs: number;
  /** Mini-batch size. */
  batchSize: number;
  /** Label smoothing ε. */
  labelSmoothing: number;
  /** Fraction of each class of `data.train` held out for validation, in (0, 1). */
  validationSplit: number;
}

/**
 * One training run of a sweep. Common random numbers: `train()` draws the initial weights
 * from stream 0 and the batch order from stream 1 of `seed`, and the validation split from
 * `seed` as well — none depends on the cell, so a seed gives the same initial weights, batch
 * order and validation rows in every cell.
 */
export interface SweepTask {
  /** The cell's {@link SweepCell.id}. */
  cellId: string;
  /** The seed. */
  seed: number;
  /** The cell's optimizer. */
  optimizer: OptimizerConfig;
}

/** One epoch's figures of a run. */
export interface SweepEpoch {
  /** 1-based epoch. */
  epoch: number;
  /** Mean training cross-entropy over the epoch's mini-batches (nats). */
  trainLoss: number;
  /** Mean validation cross-entropy (nats). */
  validationLoss: number;
  /** Validation accuracy. */
  validationAccuracy: number;
  /** Mean test cross-entropy (nats), reported only. */
  testLoss: number;
  /** Test accuracy, reported only. */
  testAccuracy: number;
}

/** Where a run diverged (see `TrainingDivergedError`). */
export interface SweepDivergence {
  /** 1-based epoch. */
  epoch: number;
  /** 1-based batch within the epoch. */
  batch: number;
  /** What became non-finite. */
  quantity: DivergedQuantity;
}

/** The test used for the paired comparisons. */
export interface SweepTest {
  /** Its name, e.g. `paired t-test (two-sided) on validation accuracy`. */
  name: string;
  /** The significance level: p below it counts as a difference. */
  threshold: number;
  /** What pairs the observations. */
  pairedBy: string;
}

/** A finished (cell, seed) run. */
export interface SweepRecord {
  /** The cell. */
  cellId: string;
  /** The seed. */
  seed: number;
  /** Every completed epoch. */
  epochs: SweepEpoch[];
  /** Set when training diverged (then the run has no final figures). */
  diverged?: SweepDivergence;
  /** Wall-clock seconds of the run (timing: differs between runs of the same task). */
  seconds: number;
  /**
   * The kernel set that computed it (`Kernels.name`: `wasm-simd` for the SIMD128 build,
   * `wasm-relaxed-simd` for the relaxed-SIMD one, `reference`), as `run.json` records it. The
   * builds round the products differently, so two runs of a task agree bit for bit only on the
   * same build. `@dualphi/tfjs-adapter`'s trainer records its backend (`tfjs-wasm`,
   * `tfjs-cpu`, …). Absent in records written before it was recorded: unknown.
   */
  kernels?: string;
  /** Threads of that kernel set (figures are the same for any count; recorded for the record). */
  threads?: number;
}

/** How many finished runs one kernel set computed (see {@link SweepRecord.kernels}). */
export interface KernelCount {
  /** The kernel set's name, or `unknown` for records that do not say. */
  kernels: string;
  /** Runs it computed. */
  runs: number;
}

/** Mean, standard deviation and 95 % confidence interval of one figure over seeds. */
export interface Interval {
  /** Number of finite values. */
  n: number;
  /** Mean (NaN when n = 0). */
  mean: number;
  /** Sample standard deviation (n − 1; NaN when n < 2). */
  sd: number;
  /** Lower end of the 95 % Student-t interval of the mean (NaN when n < 2). */
  low: number;
  /** Upper end (NaN when n < 2). */
  high: number;
}

/** A cell's figures over its seeds (each at the last epoch). */
export interface CellSummary {
  /** The cell. */
  cellId: string;
  /** Its label. */
  label: string;
  /** Its kind. */
  kind: SweepCell['kind'];
  /** Seeds finished (diverged ones included). */
  runs: number;
  /** Seeds whose training diverged. */
  diverged: number;
  /** Validation accuracy at the last epoch: what the ranking uses. */
  validationAccuracy: Interval;
  /** Validation loss at the last epoch. */
  validationLoss: Interval;
  /** Test accuracy at the last epoch (reported only). */
  testAccuracy: Interval;
  /** Test loss at the last epoch (reported only). */
  testLoss: Interval;
  /** 1 + the number of cells with a higher mean validation accuracy; diverged cells rank last. */
  rank: number;
}

/** A paired comparison of one cell against another across the seeds both finished. */
export interface PairedComparison {
  /** The cell compared with. */
  otherId: string;
  /** Its label. */
  otherLabel: string;
  /** Its kind. */
  otherKind: SweepCell['kind'];
  /** Seeds in the pairing. */
  n: number;
  /** Mean of (this − other) validation accuracy, in accuracy points (percentage points). */
  gap: number;
  /** 95 % Student-t interval of the gap (points; NaN when n < 2). */
  low: number;
  /** Upper end. */
  high: number;
  /** Two-sided p-value of the paired t-test (NaN when n < 2). */
  pValue: number;
  /** True when p ≥ the threshold: no difference detectable at that level. */
  indistinguishable: boolean;
}

/** How one cell of interest (the golden pair, an extension) fares. */
export interface CellVerdict {
  /** The cell. */
  cellId: string;
  /** Its label. */
  label: string;
  /** Its rank. */
  rank: number;
  /** Against the best cell (absent when it is the best). */
  versusBest?: PairedComparison;
  /** Against each named entry that is a peer (baselines and tuning-free peers). */
  versusPeers: PairedComparison[];
}

/** The statistics of a sweep and its answer. */
export interface SweepSummary {
  /** Every cell, in plan order. */
  cells: CellSummary[];
  /** The cell ids by rank (best first). */
  ranking: string[];
  /** The best cell by mean validation accuracy. */
  bestId?: string;
  /** The test used for pairs of cells. */
  test: SweepTest;
  /** The golden pair's verdict (absent when the plan has no golden cell). */
  golden?: CellVerdict;
  /** One verdict per golden extension among the entries. */
  extensions: CellVerdict[];
  /**
   * The kernel sets the finished runs were computed on, with their counts (in order of first
   * appearance). More than one known set: the figures are not bit-comparable across them (still
   * statistically valid), and {@link SweepSummary.text} says so.
   */
  kernels: KernelCount[];
  /** The verdict in sentences. */
  text: string[];
}
