/** Reference bias kernels of a dense layer: the forward broadcast and its gradient. */

/** x[r, c] += bias[c] for a row-major rows × cols matrix. */
export function biasAdd(x: Float32Array, bias: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) x[r * cols + c] += bias[c];
  }
}

/**
 * out[c] = Σ_r x[r, c], the bias gradient (sum accumulated in f64); with `accumulate`,
 * out[c] += Σ_r x[r, c].
 */
export function columnSums(
  x: Float32Array,
  out: Float32Array,
  rows: number,
  cols: number,
  accumulate: boolean,
): void {
  for (let c = 0; c < cols; c++) {
    let sum = accumulate ? out[c] : 0;
    for (let r = 0; r < rows; r++) sum += x[r * cols + c];
    out[c] = sum;
  }
}
