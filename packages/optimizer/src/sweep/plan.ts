/**
 * A sweep's plan: the heavy ball's (η, α) grid in the papers' delta form
 * (Δw ← α·Δw − η·g, arXiv 2410.12984 Eq. 32), the named registry entries, and the seeds.
 */
import { dualProcessModule } from '../optimizers/dual-process.js';
import { parseEntry } from './entries.js';
import { type AxisValue, axisValues, goldenValue } from './range.js';
import type { SweepCell, SweepPlan, SweepTask } from './types.js';

/** Options of {@link planSweep}. */
export interface SweepPlanOptions {
  /** The grid's learning rates η (numbers > 0 or `'golden'` for η*); with `momenta`. */
  learningRates?: readonly (number | 'golden')[];
  /** The grid's momenta α (numbers in [0, 1) or `'golden'` for α*); with `learningRates`. */
  momenta?: readonly (number | 'golden')[];
  /** Named entries, e.g. `['adam@1e-3', 'prodigy']` (see `parseEntry`). */
  entries?: readonly string[];
  /** How many seeds (0, 1, …, n − 1 from `firstSeed`), or the seeds themselves. */
  seeds: number | readonly number[];
  /** The first seed when `seeds` is a count. Default 0. */
  firstSeed?: number;
}

/** The most cells × seeds a plan may hold. */
export const MAX_SWEEP_RUNS = 100_000;

/** A number in a label: four significant digits. */
const short = (value: number): string => String(Number(value.toPrecision(4)));

/** The label of a grid cell: `η=0.01587 α=0.874`, with ★ marking golden values. */
function gridLabel(lr: AxisValue, momentum: AxisValue): string {
  return `η=${lr.golden ? 'η*' : short(lr.value)} α=${momentum.golden ? 'α*' : short(momentum.value)}`;
}

function seedList(seeds: SweepPlanOptions['seeds'], first: number): number[] {
  const list =
    typeof seeds === 'number'
      ? Number.isSafeInteger(seeds) && seeds >= 1
        ? Array.from({ length: seeds }, (_, i) => first + i)
        : undefined
      : [...seeds];
  if (!list || list.length === 0) {
    throw new RangeError(`the number of seeds must be a whole number ≥ 1, got ${String(seeds)}`);
  }
  for (const seed of list) {
    if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`seed ${seed} is not a whole number in [0, 4294967295]`);
    }
  }
  if (new Set(list).size !== list.length) throw new RangeError('a seed is listed twice');
  return list;
}

/**
 * Builds a plan. Grid cells come first (η ascending, then α ascending), then the entries in
 * the order given. The grid cell whose η and α are the golden constants is marked `golden`
 * (given as the word or as the exact numbers); without one, the first entry that is the golden
 * pair (e.g. `golden`) is.
 *
 * @throws RangeError for an empty plan, a grid with only one axis, bad axis values, an unknown
 *   or badly configured entry, a duplicate cell, or bad seeds.
 */
export function planSweep(options: SweepPlanOptions): SweepPlan {
  const hasRates = options.learningRates !== undefined;
  const hasMomenta = options.momenta !== undefined;
  if (hasRates !== hasMomenta) {
    throw new RangeError(
      `a grid needs both learning rates and momenta (got only ${hasRates ? 'learning rates' : 'momenta'})`,
    );
  }
  const rates = hasRates ? axisValues(options.learningRates ?? [], 'learningRate') : [];
  const momenta = hasMomenta ? axisValues(options.momenta ?? [], 'momentum') : [];
  const cells: SweepCell[] = [];
  for (const lr of rates) {
    for (const momentum of momenta) {
      const optimizer = dualProcessModule
        .create({ learningRate: lr.value, momentum: momentum.value, telemetry: false })
        .toConfig();
      cells.push({
        id: `grid:${lr.value}:${momentum.value}`,
        label: gridLabel(lr, momentum),
        kind: 'grid',
        optimizer,
        learningRate: lr.value,
        momentum: momentum.value,
        golden:
          lr.value === goldenValue('learningRate') && momentum.value === goldenValue('momentum'),
      });
    }
  }
  for (const text of options.entries ?? []) {
    const entry = parseEntry(text);
    const id = `entry:${entry.text}`;
    if (cells.some((cell) => cell.id === id))
      throw new RangeError(`"${entry.text}" is listed twice`);
    // An entry that is the golden pair itself (`golden`) is the golden cell when the plan
    // has no grid cell for it.
    const hp = entry.optimizer.hyperParameters;
    const isGolden =
      entry.optimizer.name === 'dualProcess' &&
      hp.learningRate === goldenValue('learningRate') &&
      hp.momentum === goldenValue('momentum') &&
      !cells.some((cell) => cell.golden);
    cells.push({
      id,
      label: entry.text,
      kind: entry.kind,
      optimizer: entry.optimizer,
      golden: isGolden,
    });
  }
  if (cells.length === 0) {
    throw new RangeError('the sweep is empty: give a grid (learning rates and momenta) or entries');
  }
  const seeds = seedList(options.seeds, options.firstSeed ?? 0);
  if (cells.length * seeds.length > MAX_SWEEP_RUNS) {
    throw new RangeError(
      `${cells.length} cells × ${seeds.length} seeds is more than ${MAX_SWEEP_RUNS} runs`,
    );
  }
  return {
    cells,
    seeds,
    learningRates: rates.map((v) => v.value),
    momenta: momenta.map((v) => v.value),
  };
}

/**
 * Every (cell, seed) of a plan as tasks, cell by cell. Each task carries only its seed and the
 * cell's optimizer: nothing about its position in the plan reaches the training, so results do
 * not depend on order or on which worker runs them.
 */
export function sweepTasks(plan: SweepPlan): SweepTask[] {
  return plan.cells.flatMap((cell) =>
    plan.seeds.map((seed) => ({ cellId: cell.id, seed, optimizer: cell.optimizer })),
  );
}

/** The key of a (cell, seed) pair, for sets of finished runs. */
export const taskKey = (task: { cellId: string; seed: number }): string =>
  `${task.seed}\u0000${task.cellId}`;
