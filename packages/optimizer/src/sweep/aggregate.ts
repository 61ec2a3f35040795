/**
 * A sweep's answer: per cell the mean ± sd and 95 % interval over seeds of the last epoch's
 * validation and test figures, the ranking by mean validation accuracy (the test set never
 * ranks), and paired comparisons of the golden pair and the golden extensions with the best
 * cell and the peers. Pairs are matched by seed: with common random numbers the two runs of a
 * seed share initial weights, batch order and validation rows, which removes that variance
 * from the difference (a paired test).
 */
import { meanInterval, pairedTTest } from './statistics.js';
import type {
  CellSummary,
  CellVerdict,
  KernelCount,
  PairedComparison,
  SweepCell,
  SweepPlan,
  SweepRecord,
  SweepSummary,
  SweepTest,
} from './types.js';

/** The significance level of the paired comparisons (two-sided). */
export const SIGNIFICANCE = 0.05;

/** The test a sweep states with its verdict. */
export const PAIRED_TEST: Readonly<SweepTest> = Object.freeze({
  name: 'paired t-test (two-sided) on validation accuracy',
  threshold: SIGNIFICANCE,
  pairedBy: 'seed (common random numbers)',
});

/** A run's figure at its last epoch; NaN for a run that diverged or has no epoch. */
function last(record: SweepRecord, pick: (e: SweepRecord['epochs'][number]) => number): number {
  const epoch = record.epochs.at(-1);
  return record.diverged || !epoch ? Number.NaN : pick(epoch);
}

function summarizeCell(cell: SweepCell, records: readonly SweepRecord[]): CellSummary {
  const mine = records.filter((record) => record.cellId === cell.id);
  return {
    cellId: cell.id,
    label: cell.label,
    kind: cell.kind,
    runs: mine.length,
    diverged: mine.filter((record) => record.diverged).length,
    validationAccuracy: meanInterval(mine.map((r) => last(r, (e) => e.validationAccuracy))),
    validationLoss: meanInterval(mine.map((r) => last(r, (e) => e.validationLoss))),
    testAccuracy: meanInterval(mine.map((r) => last(r, (e) => e.testAccuracy))),
    testLoss: meanInterval(mine.map((r) => last(r, (e) => e.testLoss))),
    rank: 0,
  };
}

/**
 * Whether a cell counts in the ranking by its mean: it has finished runs and none diverged (a
 * cell that diverged for some seed would otherwise be judged on its lucky seeds).
 */
const rankable = (cell: CellSummary): boolean =>
  cell.runs > 0 && cell.diverged === 0 && Number.isFinite(cell.validationAccuracy.mean);

/**
 * Compares cell `a` with cell `b` seed by seed on validation accuracy, over the seeds where
 * both finished without diverging.
 */
export function compareCells(
  a: string,
  b: SweepCell,
  records: readonly SweepRecord[],
): PairedComparison {
  const accuracy = (cellId: string) => {
    const bySeed = new Map<number, number>();
    for (const record of records) {
      if (record.cellId === cellId)
        bySeed.set(
          record.seed,
          last(record, (e) => e.validationAccuracy),
        );
    }
    return bySeed;
  };
  const mine = accuracy(a);
  const theirs = accuracy(b.id);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [seed, x] of [...mine].sort((p, q) => p[0] - q[0])) {
    const y = theirs.get(seed);
    if (y !== undefined && Number.isFinite(x) && Number.isFinite(y)) {
      xs.push(x * 100);
      ys.push(y * 100);
    }
  }
  const test = pairedTTest(xs, ys);
  return {
    otherId: b.id,
    otherLabel: b.label,
    otherKind: b.kind,
    n: test.n,
    gap: test.mean,
    low: test.low,
    high: test.high,
    pValue: test.pValue,
    indistinguishable: Number.isFinite(test.pValue) && test.pValue >= SIGNIFICANCE,
  };
}

const points = (value: number): string => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)}`;
const percent = (value: number): string => `${(value * 100).toFixed(2)} %`;

function comparisonText(subject: string, c: PairedComparison): string {
  if (c.n < 2) {
    return `${subject} − ${c.otherLabel}: ${Number.isFinite(c.gap) ? points(c.gap) : 'n/a'} points on ${c.n} seed(s); at least two seeds are needed for an interval and a test.`;
  }
  if (!Number.isFinite(c.pValue)) {
    return `${subject} − ${c.otherLabel}: ${points(c.gap)} points on each of ${c.n} seeds; with no spread between the seeds the paired t-test is undefined, so the gap is not established.`;
  }
  const verdict = c.indistinguishable
    ? `p = ${c.pValue.toFixed(3)} ≥ ${SIGNIFICANCE}: not distinguishable at that level`
    : `${c.pValue < 0.001 ? 'p < 0.001' : `p = ${c.pValue.toFixed(3)}`} < ${SIGNIFICANCE}: ${c.gap > 0 ? 'better' : 'worse'}`;
  return `${subject} − ${c.otherLabel}: ${points(c.gap)} points (95 % CI ${points(c.low)} to ${points(c.high)}), paired over ${c.n} seeds, ${verdict}.`;
}

function verdictOf(
  cell: SweepCell,
  summaries: Map<string, CellSummary>,
  best: SweepCell | undefined,
  peers: readonly SweepCell[],
  records: readonly SweepRecord[],
): CellVerdict {
  const summary = summaries.get(cell.id) as CellSummary;
  const verdict: CellVerdict = {
    cellId: cell.id,
    label: cell.label,
    rank: summary.rank,
    versusPeers: peers
      .filter((peer) => peer.id !== cell.id)
      .map((peer) => compareCells(cell.id, peer, records)),
  };
  if (best && best.id !== cell.id) verdict.versusBest = compareCells(cell.id, best, records);
  return verdict;
}

/** What {@link KernelCount} calls the kernels of a record that does not name them. */
export const UNKNOWN_KERNELS = 'unknown';

/** The kernel sets of `records` with their run counts, in order of first appearance. */
export function countKernels(records: readonly SweepRecord[]): KernelCount[] {
  const counts = new Map<string, number>();
  for (const record of records) {
    const name = typeof record.kernels === 'string' ? record.kernels : UNKNOWN_KERNELS;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].map(([kernels, runs]) => ({ kernels, runs }));
}

/**
 * The sentence for runs computed on more than one known kernel set (queue workers on engines
 * with and without relaxed SIMD), undefined when they share one.
 */
function mixedKernelsText(counts: readonly KernelCount[]): string | undefined {
  const known = counts.filter((count) => count.kernels !== UNKNOWN_KERNELS);
  if (known.length < 2) return undefined;
  const list = counts
    .map(({ kernels, runs }) => `${kernels}: ${runs} run${runs === 1 ? '' : 's'}`)
    .join(', ');
  return `Warning: the runs were computed on different kernel builds (${list}): their figures are not bit-comparable across builds, which round products differently, though each is statistically valid.`;
}

/**
 * The statistics and the verdict of a sweep over the records there are (a partial sweep
 * gets a partial answer; `runs` per cell says how much).
 */
export function summarizeSweep(plan: SweepPlan, records: readonly SweepRecord[]): SweepSummary {
  const cells = plan.cells.map((cell) => summarizeCell(cell, records));
  // Best first: by mean validation accuracy, then lower mean validation loss, then plan order.
  const order = cells
    .map((cell, index) => ({ cell, index }))
    .sort((p, q) => {
      const a = p.cell;
      const b = q.cell;
      if (rankable(a) !== rankable(b)) return rankable(a) ? -1 : 1;
      if (rankable(a) && a.validationAccuracy.mean !== b.validationAccuracy.mean) {
        return b.validationAccuracy.mean - a.validationAccuracy.mean;
      }
      if (rankable(a) && a.validationLoss.mean !== b.validationLoss.mean) {
        return a.validationLoss.mean - b.validationLoss.mean;
      }
      return p.index - q.index;
    });
  // Competition ranking: equal means share a rank; cells that cannot be ranked come last.
  for (const { cell } of order) {
    cell.rank = rankable(cell)
      ? 1 +
        cells.filter((o) => rankable(o) && o.validationAccuracy.mean > cell.validationAccuracy.mean)
          .length
      : 1 + cells.filter(rankable).length;
  }
  const summaries = new Map(cells.map((cell) => [cell.cellId, cell]));
  const cellById = new Map(plan.cells.map((cell) => [cell.id, cell]));
  const ranking = order.map(({ cell }) => cell.cellId);
  const bestSummary = order[0] && rankable(order[0].cell) ? order[0].cell : undefined;
  const best = bestSummary ? cellById.get(bestSummary.cellId) : undefined;
  // Peers: the named entries other than golden extensions (baselines, tuning-free methods).
  const peers = plan.cells.filter((cell) => cell.kind !== 'grid' && cell.kind !== 'extension');
  const goldenCell = plan.cells.find((cell) => cell.golden);
  const golden = goldenCell ? verdictOf(goldenCell, summaries, best, peers, records) : undefined;
  const extensions = plan.cells
    .filter((cell) => cell.kind === 'extension')
    .map((cell) => verdictOf(cell, summaries, best, [], records));

  const text: string[] = [];
  const total = cells.length;
  if (best && bestSummary) {
    text.push(
      `Best cell by mean validation accuracy: ${best.label}, ${percent(bestSummary.validationAccuracy.mean)}` +
        (bestSummary.validationAccuracy.n >= 2
          ? ` ± ${percent(bestSummary.validationAccuracy.sd)} (sd over ${bestSummary.validationAccuracy.n} seeds)`
          : '') +
        `; its final test accuracy ${percent(bestSummary.testAccuracy.mean)} is reported, not used to choose.`,
    );
  } else {
    text.push('No cell finished without diverging: nothing to rank.');
  }
  for (const [subject, verdict] of [
    ...(golden ? [['The golden pair (η*, α*)', golden] as const] : []),
    ...extensions.map((e) => [`The golden extension ${e.label}`, e] as const),
  ]) {
    const summary = summaries.get(verdict.cellId) as CellSummary;
    if (!rankable(summary)) {
      text.push(
        `${subject} ${summary.diverged > 0 ? `diverged for ${summary.diverged} of ${summary.runs} seeds` : 'has no finished run'}: not ranked.`,
      );
      continue;
    }
    text.push(
      `${subject} ranks ${verdict.rank} of ${total} with ${percent(summary.validationAccuracy.mean)}` +
        (verdict.versusBest ? '.' : ': it is the best cell.'),
    );
    if (verdict.versusBest) text.push(comparisonText(subject, verdict.versusBest));
    for (const peer of verdict.versusPeers) {
      // A peer that is the best cell has just been compared.
      if (peer.otherId !== verdict.versusBest?.otherId) text.push(comparisonText(subject, peer));
    }
  }
  if (!goldenCell)
    text.push('The plan has no golden cell (η*, α*): add golden to both axes to place it.');
  // One seed: no test was made, so none is described as if it had been.
  text.push(
    plan.seeds.length < 2
      ? "One seed per cell: no spread, so no interval and no paired test (they need two seeds or more); the ranking is that seed's alone."
      : `Test: ${PAIRED_TEST.name}, threshold ${SIGNIFICANCE}, paired by ${PAIRED_TEST.pairedBy}; with few seeds it detects only large gaps, so "not distinguishable" is not "equal".`,
  );
  const kernels = countKernels(records);
  const mixed = mixedKernelsText(kernels);
  if (mixed !== undefined) text.push(mixed);
  return {
    cells,
    ranking,
    ...(best ? { bestId: best.id } : {}),
    test: { ...PAIRED_TEST },
    ...(golden ? { golden } : {}),
    extensions,
    kernels,
    text,
  };
}
