/**
 * Fused softmax cross-entropy over rows × classes logits (apps/docs/theory.md#dual-processes). Per row, three
 * sweeps over the classes and no temporary memory:
 *   1. the row maximum m (so exp never sees a positive argument: stable for any finite
 *      logits, ±10⁴ included);
 *   2. with t = z − m and e = exp t: s = Σ e, Σ e·t, and for probability targets Σ p,
 *      Σ p·t and Σ p log p; e is parked in the gradient (or probability) output;
 *   3. q = e / s and the gradient of the batch-mean loss (q − p) / rows, written in place.
 * From those sums, with log q = t − log s:
 *   H(p, q) = (Σ p)·log s − Σ p·t,   H(p) = −Σ p log p,   KL(p‖q) = H(p, q) − H(p),
 *   H(q) = log s − (Σ e·t) / s   (prediction entropy: telemetry, not from the papers).
 * Row sums are kept in f32 lanes; row results and the batch means in f64. The four batch
 * means go to result slots 0–3 (cross-entropy, entropy, divergence, prediction entropy).
 */
import { expVector, loadPartial, logVector, maxLanes, storePartial, sumLanes } from './math';
import { setResult } from './results';

// Row sums of sweep 2, handed from the inlined `exponentials` to the row loop.
let rowSum: f64 = 0;
let rowSumEt: f64 = 0;
let rowSumP: f64 = 0;
let rowSumPt: f64 = 0;
let rowSumPlogP: f64 = 0;

/** Sweep 1: the largest of `classes` logits at `z` (two accumulators hide pmax latency). */
function rowMax(z: usize, classes: i32): f32 {
  let maxA = f32x4.splat(-Infinity);
  let maxB = maxA;
  let c = 0;
  for (; c + 8 <= classes; c += 8) {
    maxA = f32x4.pmax(maxA, v128.load(z + ((<usize>c) << 2)));
    maxB = f32x4.pmax(maxB, v128.load(z + ((<usize>c) << 2), 16));
  }
  if (c + 4 <= classes) {
    maxA = f32x4.pmax(maxA, v128.load(z + ((<usize>c) << 2)));
    c += 4;
  }
  let max = maxLanes(f32x4.pmax(maxA, maxB));
  for (; c < classes; c++) {
    const value = load<f32>(z + ((<usize>c) << 2));
    if (value > max) max = value;
  }
  return max;
}

/**
 * Sweep 2 over one row: e = exp(z − max) parked at `park` when `parkE`, and the row sums
 * Σ e, Σ e·t and, when `soft`, Σ p, Σ p·t, Σ p log p. `parkE` and `soft` are constants at
 * every call site, so each of the four inlined copies has a branch-free loop.
 */
function exponentials(
  z: usize,
  park: usize,
  p: usize,
  classes: i32,
  max: f32,
  parkE: bool,
  soft: bool,
): void {
  const zero = f32x4.splat(0);
  const maxSplat = f32x4.splat(max);
  let sumV = zero;
  let sumEtV = zero;
  let sumPV = zero;
  let sumPtV = zero;
  let sumPlogPV = zero;
  let c = 0;
  for (; c + 4 <= classes; c += 4) {
    const offset = (<usize>c) << 2;
    const t = f32x4.sub(v128.load(z + offset), maxSplat);
    const e = inline.always(expVector(t));
    if (parkE) v128.store(park + offset, e);
    sumV = f32x4.add(sumV, e);
    sumEtV = f32x4.add(sumEtV, f32x4.mul(e, t));
    if (soft) {
      const pv = v128.load(p + offset);
      sumPV = f32x4.add(sumPV, pv);
      sumPtV = f32x4.add(sumPtV, f32x4.mul(pv, t));
      const plogp = v128.and(f32x4.mul(pv, inline.always(logVector(pv))), f32x4.gt(pv, zero));
      sumPlogPV = f32x4.add(sumPlogPV, plogp);
    }
  }
  // The last 1–3 classes as one vector: absent lanes get t = −100 (e = 0) and p = 0, so
  // they add nothing to any sum.
  const rest = classes - c;
  if (rest > 0) {
    const offset = (<usize>c) << 2;
    const present = i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(rest));
    const shifted = f32x4.sub(loadPartial(z + offset, rest, 0), maxSplat);
    const t = v128.bitselect(shifted, f32x4.splat(-100), present);
    const e = inline.always(expVector(t));
    if (parkE) storePartial(park + offset, e, rest);
    sumV = f32x4.add(sumV, e);
    sumEtV = f32x4.add(sumEtV, f32x4.mul(e, t));
    if (soft) {
      const pv = loadPartial(p + offset, rest, 0);
      sumPV = f32x4.add(sumPV, pv);
      sumPtV = f32x4.add(sumPtV, f32x4.mul(pv, t));
      const plogp = v128.and(f32x4.mul(pv, inline.always(logVector(pv))), f32x4.gt(pv, zero));
      sumPlogPV = f32x4.add(sumPlogPV, plogp);
    }
  }
  const sum = sumLanes(sumV);
  const sumEt = sumLanes(sumEtV);
  const sumP = sumLanes(sumPV);
  const sumPt = sumLanes(sumPtV);
  const sumPlogP = sumLanes(sumPlogPV);
  rowSum = sum;
  rowSumEt = sumEt;
  rowSumP = sumP;
  rowSumPt = sumPt;
  rowSumPlogP = sumPlogP;
}

/**
 * Sweep 3 over one row: q = e · (1/s) into `q` when `writeQ`, (q − p) / rows into `g` when
 * `writeG` (p = 0 for class labels; the label's −1/rows is added by the caller). Flags are
 * constants at every call site.
 */
function normalise(
  park: usize,
  p: usize,
  g: usize,
  q: usize,
  classes: i32,
  inv: f32,
  invRows: f32,
  writeQ: bool,
  writeG: bool,
  soft: bool,
): void {
  const invV = f32x4.splat(inv);
  const invRowsV = f32x4.splat(invRows);
  let c = 0;
  for (; c + 4 <= classes; c += 4) {
    const offset = (<usize>c) << 2;
    const qv = f32x4.mul(v128.load(park + offset), invV);
    if (writeQ) v128.store(q + offset, qv);
    if (writeG) {
      const difference = soft ? f32x4.sub(qv, v128.load(p + offset)) : qv;
      v128.store(g + offset, f32x4.mul(difference, invRowsV));
    }
  }
  for (; c < classes; c++) {
    const offset = (<usize>c) << 2;
    const qc = load<f32>(park + offset) * inv;
    if (writeQ) store<f32>(q + offset, qc);
    if (writeG) store<f32>(g + offset, (soft ? qc - load<f32>(p + offset) : qc) * invRows);
  }
}

/**
 * The index of the first largest of `classes` values at `z`: a later value wins only when
 * strictly greater (the rule of `argmaxRows`, so ties and NaN give the same index).
 */
function firstLargest(z: usize, classes: i32): i32 {
  let best = 0;
  let bestValue = load<f32>(z);
  for (let c = 1; c < classes; c++) {
    const value = load<f32>(z + ((<usize>c) << 2));
    if (value > bestValue) {
      bestValue = value;
      best = c;
    }
  }
  return best;
}

/**
 * `labels` (i32, one per row) or `targets` (f32 rows): exactly one is non-zero.
 * `gradient` and `probabilities` are optional outputs (0 = not wanted); the gradient may
 * be the logits buffer itself, since every element is read before it is overwritten.
 * `predictions` (i32, one per row; 0 = not wanted) receives each row's first largest index,
 * by the same scalar rule as `argmaxRows`, while the row's logits are still in place.
 */
export function softmaxCrossEntropy(
  logits: usize,
  labels: usize,
  targets: usize,
  rows: i32,
  classes: i32,
  gradient: usize,
  probabilities: usize,
  predictions: usize,
): void {
  const soft = targets !== 0;
  const invRows = <f32>(1.0 / <f64>rows);
  let crossEntropySum: f64 = 0;
  let entropySum: f64 = 0;
  let predictionEntropySum: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const start = (<usize>r * <usize>classes) << 2;
    const z = logits + start;
    const max = rowMax(z, classes);
    if (predictions !== 0) store<i32>(predictions + ((<usize>r) << 2), firstLargest(z, classes));
    // The label's logit is read now: sweep 2 may overwrite the logits with e.
    let label = 0;
    let labelShift: f64 = 0;
    if (!soft) {
      label = load<i32>(labels + ((<usize>r) << 2));
      labelShift = <f64>load<f32>(z + ((<usize>label) << 2)) - <f64>max;
    }

    // Sweep 2, with e parked in the gradient (or else the probability) output.
    const park =
      gradient !== 0 ? gradient + start : probabilities !== 0 ? probabilities + start : 0;
    const p = targets + start;
    if (soft) {
      if (park !== 0) inline.always(exponentials(z, park, p, classes, max, true, true));
      else inline.always(exponentials(z, 0, p, classes, max, false, true));
    } else {
      if (park !== 0) inline.always(exponentials(z, park, 0, classes, max, true, false));
      else inline.always(exponentials(z, 0, 0, classes, max, false, false));
    }
    const logSum = Math.log(rowSum);
    predictionEntropySum += logSum - rowSumEt / rowSum;
    if (soft) {
      crossEntropySum += rowSumP * logSum - rowSumPt;
      entropySum -= rowSumPlogP;
    } else {
      crossEntropySum += logSum - labelShift;
    }
    if (park === 0) continue;

    // Sweep 3: q = e / s and the gradient (q − p) / rows.
    const inv = <f32>(1.0 / rowSum);
    const qLabel = soft ? <f32>0 : load<f32>(park + ((<usize>label) << 2)) * inv;
    const g = gradient + start;
    const q = probabilities + start;
    if (gradient !== 0 && probabilities !== 0) {
      if (soft) inline.always(normalise(park, p, g, q, classes, inv, invRows, true, true, true));
      else inline.always(normalise(park, p, g, q, classes, inv, invRows, true, true, false));
    } else if (gradient !== 0) {
      if (soft) inline.always(normalise(park, p, g, q, classes, inv, invRows, false, true, true));
      else inline.always(normalise(park, p, g, q, classes, inv, invRows, false, true, false));
    } else {
      inline.always(normalise(park, p, g, q, classes, inv, invRows, true, false, false));
    }
    if (!soft && gradient !== 0) {
      // The one-hot target: (q − 1) / rows at the label, q / rows elsewhere (written above).
      store<f32>(g + ((<usize>label) << 2), (qLabel - 1) * invRows);
    }
  }
  const meanCrossEntropy = crossEntropySum / <f64>rows;
  const meanEntropy = entropySum / <f64>rows;
  setResult(0, meanCrossEntropy);
  setResult(1, meanEntropy);
  setResult(2, meanCrossEntropy - meanEntropy);
  setResult(3, predictionEntropySum / <f64>rows);
}
