/**
 * Timing helpers for the benchmarks. On a shared machine the load changes from second to
 * second, so contestants are measured interleaved: sample 1 of every contestant, then
 * sample 2 of every contestant, and so on; each sees the same conditions and the ratios
 * stay meaningful even when absolute figures drift.
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
 * @typedef {object} Contestant
 * @property {string} name
 * @property {() => void} run                    one call of the work (synchronous)
 * @property {() => (void | Promise<void>)} [before] runs before each sample (e.g. switch the tfjs backend)
 */

/**
 * Measures contestants interleaved. Each is warmed up (≥ 2 calls and ≥ `warmupMs`, so V8
 * has tiered up the wasm and JIT-compiled the JavaScript), its repetitions per sample are
 * sized so one sample takes ≥ `minSampleMs`, then `samples` rounds take one sample of each.
 * A contestant whose first call throws is reported as `undefined` with the error printed.
 * @param {Contestant[]} contestants
 * @param {{ samples?: number, minSampleMs?: number, warmupMs?: number }} [options]
 * @returns {Promise<Record<string, Timing | undefined>>}
 */
export async function measureInterleaved(
  contestants,
  { samples = 7, minSampleMs = 30, warmupMs = 250 } = {},
) {
  const live = [];
  for (const contestant of contestants) {
    try {
      await contestant.before?.();
      let calls = 0;
      const start = performance.now();
      while (calls < 2 || performance.now() - start < warmupMs) {
        contestant.run();
        calls++;
      }
      const perCall = (performance.now() - start) / calls;
      live.push({
        contestant,
        repetitions: Math.max(1, Math.ceil(minSampleMs / perCall)),
        times: [],
      });
    } catch (error) {
      console.warn(
        `  ${contestant.name}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  for (let s = 0; s < samples; s++) {
    for (const entry of live) {
      await entry.contestant.before?.();
      globalThis.gc?.();
      const start = performance.now();
      for (let r = 0; r < entry.repetitions; r++) entry.contestant.run();
      entry.times.push((performance.now() - start) / entry.repetitions);
    }
  }
  /** @type {Record<string, Timing | undefined>} */
  const result = {};
  for (const contestant of contestants) result[contestant.name] = undefined;
  for (const { contestant, repetitions, times } of live) {
    times.sort((a, b) => a - b);
    result[contestant.name] = {
      median: times[Math.floor(times.length / 2)],
      min: times[0],
      max: times[times.length - 1],
      samples,
      repetitions,
    };
  }
  return result;
}
