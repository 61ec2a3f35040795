/**
 * The steps part's relaxed-SIMD rows: one `train()` step of the same MLP on the SIMD128 and
 * the relaxed-SIMD kernel build (`loadKernels({ build })`), at 1 and 2 threads, sampled
 * interleaved in one process so that the ratios are paired. Node 20 runs relaxed SIMD only
 * with --experimental-wasm-relaxed-simd, so there `relaxedStepRates` measures in a child Node
 * started with that flag; Node ≥ 21 measures in process.
 *
 *   node --experimental-wasm-relaxed-simd bench/parts/relaxed-steps.js '{"hidden":[256],"batchSize":128,"rounds":5}'
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadKernels, relaxedSimdSupported } from '@dualphi/core-wasm';
import { median, syntheticImages, trainStepRunner } from './step-common.js';

const FLAG = '--experimental-wasm-relaxed-simd';
/** Steps per timed epoch (as for dualphi in the steps part). */
const STEPS = 120;

const round = (x, digits) => Number(x.toFixed(digits));

/** Measures in this process (relaxed SIMD must be available). */
async function measure({ hidden, batchSize, rounds }) {
  const data = syntheticImages(batchSize * STEPS, 1);
  const contenders = {};
  const kernels = [];
  for (const build of ['simd128', 'relaxed-simd']) {
    for (const threads of [1, 2]) {
      const k = await loadKernels({ build, threads });
      kernels.push(k);
      contenders[`${build}/${threads}`] = trainStepRunner(data, hidden, batchSize, { kernels: k });
    }
  }
  const rates = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
  for (let r = 0; r <= rounds; r++) {
    for (const [name, run] of Object.entries(contenders)) {
      const rate = await run();
      if (r > 0) rates[name].push(rate);
    }
  }
  for (const k of kernels) await k.close();
  const s = (xs) => ({
    median: round(median(xs), 1),
    min: round(Math.min(...xs), 1),
    max: round(Math.max(...xs), 1),
    runs: xs.length,
  });
  const paired = (a, b) => round(median(rates[a].map((x, i) => x / rates[b][i])), 3);
  return {
    engine: `Node ${process.version}${process.execArgv.includes(FLAG) ? ` ${FLAG}` : ''}`,
    simd128: { threads1: s(rates['simd128/1']), threads2: s(rates['simd128/2']) },
    relaxed: { threads1: s(rates['relaxed-simd/1']), threads2: s(rates['relaxed-simd/2']) },
    relaxedOverSimd128: {
      threads1: paired('relaxed-simd/1', 'simd128/1'),
      threads2: paired('relaxed-simd/2', 'simd128/2'),
    },
  };
}

/**
 * train() steps/s on both builds at 1 and 2 threads for one shape (`hidden`, `batchSize`),
 * over `rounds` interleaved rounds after a warm-up round; `{ note }` when relaxed SIMD cannot
 * be run here.
 */
export async function relaxedStepRates(shape, rounds) {
  const spec = { hidden: shape.hidden, batchSize: shape.batchSize, rounds };
  if (relaxedSimdSupported()) return measure(spec);
  if (Number.parseInt(process.versions.node, 10) >= 21 || process.execArgv.includes(FLAG)) {
    return { note: `relaxed SIMD is not available in Node ${process.version}` };
  }
  const child = spawnSync(
    process.execPath,
    [FLAG, fileURLToPath(import.meta.url), JSON.stringify(spec)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (child.status !== 0) {
    return { note: `the relaxed-SIMD child (node ${FLAG}) failed with status ${child.status}` };
  }
  return JSON.parse(child.stdout);
}

/** Markdown lines for the rows that have relaxed-SIMD figures (none when no row has). */
export function relaxedStepsTable(rows) {
  const measured = rows.filter((r) => r.relaxed?.relaxed);
  if (measured.length === 0) {
    const note = rows.find((r) => r.relaxed?.note)?.relaxed.note;
    return note ? [`Relaxed SIMD: not measured (${note}).`, ''] : [];
  }
  const cell = (x) => `${x.median} (${x.min}–${x.max})`;
  return [
    `train() steps/s on the SIMD128 and the relaxed-SIMD build (${measured[0].relaxed.engine}; interleaved in one process, ratios are medians of paired rounds):`,
    '',
    '| network, batch | SIMD128 1 thread | relaxed 1 thread | relaxed / SIMD128 | SIMD128 2 threads | relaxed 2 threads | relaxed / SIMD128 |',
    '|---|---|---|---|---|---|---|',
    ...measured.map(
      (r) =>
        `| ${r.network}, ${r.batchSize} | ${cell(r.relaxed.simd128.threads1)} | ${cell(r.relaxed.relaxed.threads1)} | ${r.relaxed.relaxedOverSimd128.threads1}× | ${cell(r.relaxed.simd128.threads2)} | ${cell(r.relaxed.relaxed.threads2)} | ${r.relaxed.relaxedOverSimd128.threads2}× |`,
    ),
    '',
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const spec = JSON.parse(process.argv[2] ?? '{"hidden":[256],"batchSize":128,"rounds":5}');
  if (!relaxedSimdSupported()) {
    console.error(`relaxed SIMD is not available; on Node 20 run with ${FLAG}`);
    process.exit(1);
  }
  console.log(JSON.stringify(await measure(spec)));
}
