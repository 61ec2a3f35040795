/** Reference activations and their derivatives, element by element. */

/** out[i] = max(0, x[i]); NaN gives 0 (the comparison x > 0 is false). `out` may be `x`. */
export function relu(x: Float32Array, out: Float32Array, n: number): void {
  // Not Math.max(x, 0): that returns NaN for NaN, the wasm kernel's pmax returns 0.
  // biome-ignore lint/complexity/useMathMinMax: NaN must map to 0, as in the wasm kernel
  for (let i = 0; i < n; i++) out[i] = x[i] > 0 ? x[i] : 0;
}

/** gradIn[i] = gradOut[i] where the pre-activation x[i] > 0, else 0. */
export function reluBackward(
  x: Float32Array,
  gradOut: Float32Array,
  gradIn: Float32Array,
  n: number,
): void {
  for (let i = 0; i < n; i++) gradIn[i] = x[i] > 0 ? gradOut[i] : 0;
}

/** out[i] = tanh(x[i]). `out` may be `x`. */
export function tanh(x: Float32Array, out: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]);
}

/** gradIn[i] = gradOut[i] · (1 − y[i]²), with y = tanh(x) the forward output: d tanh/dx = 1 − tanh². */
export function tanhBackward(
  y: Float32Array,
  gradOut: Float32Array,
  gradIn: Float32Array,
  n: number,
): void {
  for (let i = 0; i < n; i++) gradIn[i] = gradOut[i] * (1 - y[i] * y[i]);
}
