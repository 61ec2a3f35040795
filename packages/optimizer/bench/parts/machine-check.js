/**
 * Is the machine quiet enough for a 2-thread figure to mean anything? Measured, not assumed:
 * one process alone, then two processes at once, each multiplying 256 × 256 matrices on one
 * thread with dualphi's SIMD128 kernels for about a second (the same vector units and caches
 * a training step uses). On a quiet 2-core machine two at once each run at the speed of one
 * alone (efficiency ≈ 1); when the host is busy, or another program runs, they do not, and
 * the benchmark's 2-thread ratios then say more about the machine than about dualphi.
 *
 *   node bench/parts/machine-check.js      # prints the check as JSON
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SECONDS = 1;

/** The probe a child runs: GFLOP/s of 256³ products, median of 50-ms samples. */
const probe = (coreUrl) => `
const { loadKernels } = await import(${JSON.stringify(coreUrl)});
const k = await loadKernels({ build: 'simd128' });
const n = 256;
const a = k.allocFrom(Float32Array.from({ length: n * n }, (_, i) => (i % 7) / 7));
const b = k.allocFrom(Float32Array.from({ length: n * n }, (_, i) => (i % 5) / 5));
const c = k.alloc(n * n);
for (let i = 0; i < 20; i++) k.gemm(a, b, c, { m: n, n, k: n });
const rates = [];
const end = performance.now() + ${SECONDS * 1000};
while (performance.now() < end) {
  const started = performance.now();
  let calls = 0;
  while (performance.now() - started < 50) {
    k.gemm(a, b, c, { m: n, n, k: n });
    calls++;
  }
  rates.push((2 * n * n * n * calls) / ((performance.now() - started) * 1e6));
}
rates.sort((x, y) => x - y);
console.log(JSON.stringify(rates[rates.length >> 1]));
`;

function runChildren(count) {
  const coreUrl = pathToFileURL(createRequire(import.meta.url).resolve('@dualphi/core-wasm')).href;
  const one = () =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', probe(coreUrl)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
      });
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve(Number(out.trim())) : reject(new Error(`probe exited ${code}`)),
      );
    });
  return Promise.all(Array.from({ length: count }, one));
}

const round = (x, digits) => Number(x.toFixed(digits));

/**
 * The check: GFLOP/s of one probe process alone, of two at once, and the efficiency (the
 * mean of the two at once ÷ the one alone).
 */
export async function machineCheck() {
  const [alone] = await runChildren(1);
  const together = await runChildren(2);
  const mean = (together[0] + together[1]) / 2;
  return {
    aloneGflops: round(alone, 1),
    togetherGflops: together.map((x) => round(x, 1)),
    efficiency: round(mean / alone, 2),
  };
}

/** One line for BENCHMARKS.md from the checks before and after a part. */
export function machineCheckLine(before, after) {
  const one = (c) =>
    `one process alone ${c.aloneGflops} GFLOP/s, two at once ${c.togetherGflops.join(' and ')} (efficiency ${c.efficiency})`;
  return `Machine check (256³ products on one thread per process, bench/parts/machine-check.js): before ${one(before)}; after ${one(after)}. On a quiet 2-core machine the efficiency is about 1; below about 0.9 the other core was busy and 2-thread figures understate what two free cores give.`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await machineCheck()));
}
