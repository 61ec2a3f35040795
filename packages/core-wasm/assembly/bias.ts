/** Bias kernels of a dense layer over row-major rows × cols f32 matrices. */

/** x[r, c] += bias[c]. Rows start at any 4-byte offset; v128 loads need no alignment. */
export function biasAdd(x: usize, bias: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * <usize>cols) << 2);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const offset = (<usize>c) << 2;
      v128.store(row + offset, f32x4.add(v128.load(row + offset), v128.load(bias + offset)));
    }
    for (; c < cols; c++) {
      const offset = (<usize>c) << 2;
      store<f32>(row + offset, load<f32>(row + offset) + load<f32>(bias + offset));
    }
  }
}

/**
 * out[c] (+)= Σ_r x[r, c], the bias gradient: rows are added into `out` four columns at a
 * time, in f32 (a batch is short; the reference accumulates in f64 and the tests bound the
 * difference).
 */
export function columnSums(x: usize, out: usize, rows: i32, cols: i32, accumulate: i32): void {
  if (!accumulate) memory.fill(out, 0, (<usize>cols) << 2);
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * <usize>cols) << 2);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const offset = (<usize>c) << 2;
      v128.store(out + offset, f32x4.add(v128.load(out + offset), v128.load(row + offset)));
    }
    for (; c < cols; c++) {
      const offset = (<usize>c) << 2;
      store<f32>(out + offset, load<f32>(out + offset) + load<f32>(row + offset));
    }
  }
}
