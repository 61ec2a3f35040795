/**
 * A small timing helper for the benchmarks: warm up (lets V8 tier the wasm and JIT the
 * JavaScript up), size the repetitions so one sample takes a measurable time, then take
 * `samples` samples and report the median, min and max time per call.
 */

/**
 * @typedef {object} Timing
 * @property {number} median  median time per call in ms
 * @property {number} min     fastest sample, ms per call
 * @property {number} max     slowest sample, ms per call
 * @property {number} samples number of samples
 * @property {number} repetitions calls per sample
 */

/**
 * Times `run` (synchronous).
 * @param {() => void} run
 * @param {{ samples?: number, minSampleMs?: number, warmupMs?: number }} [options]
 * @returns {Timing}
 */
export function measure(run, { samples = 7, minSampleMs = 30, warmupMs = 250 } = {}) {
  // Warm-up: at least two calls, and at least `warmupMs`.
  let calls = 0;
  const warmStart = performance.now();
  while (calls < 2 || performance.now() - warmStart < warmupMs) {
    run();
    calls++;
  }
  const perCall = (performance.now() - warmStart) / calls;
  const repetitions = Math.max(1, Math.ceil(minSampleMs / perCall));
  const times = [];
  for (let s = 0; s < samples; s++) {
    globalThis.gc?.();
    const start = performance.now();
    for (let r = 0; r < repetitions; r++) run();
    times.push((performance.now() - start) / repetitions);
  }
  times.sort((a, b) => a - b);
  return {
    median: times[Math.floor(times.length / 2)],
    min: times[0],
    max: times[times.length - 1],
    samples,
    repetitions,
  };
}
