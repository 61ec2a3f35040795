/** Timing of one benchmark case. */

/**
 * Median microseconds per call of `fn`: a warm-up, then `repeat` timed batches of calls,
 * each batch long enough (≥ 2 ms) for the timer's resolution.
 */
export function measure(fn: () => void, repeat: number): number {
  for (let warm = 0; warm < 3; warm++) fn();
  let callsPerBatch = 1;
  for (;;) {
    const start = performance.now();
    for (let call = 0; call < callsPerBatch; call++) fn();
    if (performance.now() - start >= 2 || callsPerBatch >= 1 << 16) break;
    callsPerBatch *= 2;
  }
  const samples: number[] = [];
  for (let batch = 0; batch < repeat; batch++) {
    const start = performance.now();
    for (let call = 0; call < callsPerBatch; call++) fn();
    samples.push(((performance.now() - start) * 1000) / callsPerBatch);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}
