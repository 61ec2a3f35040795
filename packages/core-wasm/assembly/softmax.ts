/**
 * Fused softmax cross-entropy over rows × classes logits (theory.md §1). Per row, three
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
import { expScalar, expVector, logScalar, logVector, maxLanes, sumLanes } from './math';
import { setResult } from './results';

/**
 * `labels` (i32, one per row) or `targets` (f32 rows): exactly one is non-zero.
 * `gradient` and `probabilities` are optional outputs (0 = not wanted); the gradient may
 * be the logits buffer itself, since every element is read before it is overwritten.
 */
export function softmaxCrossEntropy(
  logits: usize,
  labels: usize,
  targets: usize,
  rows: i32,
  classes: i32,
  gradient: usize,
  probabilities: usize,
): void {
  const soft = targets !== 0;
  const invRows = <f32>(1.0 / <f64>rows);
  let crossEntropySum: f64 = 0;
  let entropySum: f64 = 0;
  let predictionEntropySum: f64 = 0;
  const zero = f32x4.splat(0);
  for (let r = 0; r < rows; r++) {
    const start = (<usize>r * <usize>classes) << 2;
    const z = logits + start;

    // Sweep 1: the row maximum.
    let maxV = f32x4.splat(-Infinity);
    let c = 0;
    for (; c + 4 <= classes; c += 4) maxV = f32x4.pmax(maxV, v128.load(z + ((<usize>c) << 2)));
    let max = maxLanes(maxV);
    for (; c < classes; c++) {
      const value = load<f32>(z + ((<usize>c) << 2));
      if (value > max) max = value;
    }
    const maxSplat = f32x4.splat(max);
    // The label's logit is read now: sweep 2 may overwrite the logits with e.
    let label = 0;
    let labelShift: f64 = 0;
    if (!soft) {
      label = load<i32>(labels + ((<usize>r) << 2));
      labelShift = <f64>load<f32>(z + ((<usize>label) << 2)) - <f64>max;
    }

    // Sweep 2: exponentials and the sums.
    const park =
      gradient !== 0 ? gradient + start : probabilities !== 0 ? probabilities + start : 0;
    const p = targets + start;
    let sumV = zero;
    let sumEtV = zero;
    let sumPV = zero;
    let sumPtV = zero;
    let sumPlogPV = zero;
    c = 0;
    for (; c + 4 <= classes; c += 4) {
      const offset = (<usize>c) << 2;
      const t = f32x4.sub(v128.load(z + offset), maxSplat);
      const e = expVector(t);
      if (park !== 0) v128.store(park + offset, e);
      sumV = f32x4.add(sumV, e);
      sumEtV = f32x4.add(sumEtV, f32x4.mul(e, t));
      if (soft) {
        const pv = v128.load(p + offset);
        sumPV = f32x4.add(sumPV, pv);
        sumPtV = f32x4.add(sumPtV, f32x4.mul(pv, t));
        const plogp = v128.and(f32x4.mul(pv, logVector(pv)), f32x4.gt(pv, zero));
        sumPlogPV = f32x4.add(sumPlogPV, plogp);
      }
    }
    let sum = sumLanes(sumV);
    let sumEt = sumLanes(sumEtV);
    let sumP = sumLanes(sumPV);
    let sumPt = sumLanes(sumPtV);
    let sumPlogP = sumLanes(sumPlogPV);
    for (; c < classes; c++) {
      const offset = (<usize>c) << 2;
      const t = load<f32>(z + offset) - max;
      const e = expScalar(t);
      if (park !== 0) store<f32>(park + offset, e);
      sum += <f64>e;
      sumEt += <f64>(e * t);
      if (soft) {
        const pc = load<f32>(p + offset);
        sumP += <f64>pc;
        sumPt += <f64>(pc * t);
        if (pc > 0) sumPlogP += <f64>(pc * logScalar(pc));
      }
    }
    const logSum = Math.log(sum);
    predictionEntropySum += logSum - sumEt / sum;
    if (soft) {
      crossEntropySum += sumP * logSum - sumPt;
      entropySum -= sumPlogP;
    } else {
      crossEntropySum += logSum - labelShift;
    }

    // Sweep 3: q = e / s and the gradient (q − p) / rows.
    if (park === 0) continue;
    const inv = <f32>(1.0 / sum);
    const qLabel = soft ? <f32>0 : load<f32>(park + ((<usize>label) << 2)) * inv;
    const invV = f32x4.splat(inv);
    const invRowsV = f32x4.splat(invRows);
    const g = gradient + start;
    const q = probabilities + start;
    c = 0;
    for (; c + 4 <= classes; c += 4) {
      const offset = (<usize>c) << 2;
      const qv = f32x4.mul(v128.load(park + offset), invV);
      if (probabilities !== 0) v128.store(q + offset, qv);
      if (gradient !== 0) {
        const target = soft ? v128.load(p + offset) : zero;
        v128.store(g + offset, f32x4.mul(f32x4.sub(qv, target), invRowsV));
      }
    }
    for (; c < classes; c++) {
      const offset = (<usize>c) << 2;
      const qc = load<f32>(park + offset) * inv;
      if (probabilities !== 0) store<f32>(q + offset, qc);
      if (gradient !== 0) {
        const target = soft ? load<f32>(p + offset) : <f32>0;
        store<f32>(g + offset, (qc - target) * invRows);
      }
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
