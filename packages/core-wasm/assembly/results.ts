/**
 * A small static f64 area where kernels that return several numbers write them (the fused
 * softmax cross-entropy's four means, the heavy ball's three process terms). The wrapper
 * reads it right after the call through `resultsPointer()`.
 */

/** Eight f64 slots, 16-byte aligned, in the module's static data. */
const RESULTS: usize = memory.data(64, 16);

/** Address of the result area. */
export function resultsPointer(): usize {
  return RESULTS;
}

/** Writes `value` into result slot `index` (0..7). */
export function setResult(index: i32, value: f64): void {
  store<f64>(RESULTS + ((<usize>index) << 3), value);
}
