/**
 * Benchmarks of @dualphi/core-wasm side by side with tfjs-backend-wasm and
 * tfjs-backend-cpu 4.22 in the same process: gemm (plain and transposed MLP products),
 * fused softmax cross-entropy forward + backward, the heavy-ball update, and Prodigy's two
 * passes against Adam (bench/prodigy.js).
 *
 *   npm run bench -w @dualphi/core-wasm            (after building the package)
 *   node --expose-gc bench/run.js --quick           (fewer, smaller cases)
 *   node --expose-gc bench/run.js --no-write        (print only)
 *   node --expose-gc bench/run.js --samples=15      (samples per contestant, default 11, ≥ 7)
 *   node --expose-gc bench/run.js --no-relaxed      (SIMD128 only)
 *
 * The GEMM rows compare the SIMD128 and the relaxed-SIMD build where the engine runs relaxed
 * SIMD. Node 20 runs it only with --experimental-wasm-relaxed-simd, so there the script runs
 * itself again in a child Node with that flag (the rest of the benchmark is unaffected by it:
 * every contestant names its build).
 *
 * Writes BENCHMARKS.md beside package.json unless --no-write.
 */
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// tfjs-core alone registers no gradients in Node; tfjs-layers registers them all,
// which valueAndGrad of softmaxCrossEntropy needs.
import '@tensorflow/tfjs-layers';
import { loadKernels, relaxedSimdSupported } from '../dist/index.js';
import { CEILING_FLOPS_PER_CALL, ceilingProbe } from './ceiling.js';
import { prodigySection } from './prodigy.js';
import { measureInterleaved } from './timing.js';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const write = !args.has('--no-write');
const samplesArg = process.argv.find((arg) => arg.startsWith('--samples='));
/** Samples per contestant (≥ 7); more gives steadier medians on a loaded machine. */
const samples = Math.max(7, Number(samplesArg?.slice('--samples='.length) ?? 11) || 11);
const measure = (contestants) => measureInterleaved(contestants, { samples });

const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';
if (
  !args.has('--no-relaxed') &&
  !relaxedSimdSupported() &&
  Number.parseInt(process.versions.node, 10) < 21 &&
  !process.execArgv.includes(RELAXED_FLAG)
) {
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, RELAXED_FLAG, ...process.argv.slice(1)],
    { stdio: 'inherit' },
  );
  process.exit(child.status ?? 1);
}
/** Relaxed-SIMD rows: where the engine runs relaxed SIMD, unless --no-relaxed. */
const relaxed = !args.has('--no-relaxed') && relaxedSimdSupported();

tf.env().set('PROD', true);

/** Makes `backend` the active tfjs backend; throws if it does not load. */
async function use(backend) {
  if (tf.getBackend() === backend) return;
  const ok = await tf.setBackend(backend);
  if (!ok) throw new Error(`tf.setBackend('${backend}') returned false`);
  await tf.ready();
}

/** Creates tensors (or anything) with `backend` active. */
async function on(backend, create) {
  await use(backend);
  return create();
}

function random(length, seed) {
  const out = new Float32Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

/** "12.3 (11.9–12.6)" in units of work per second. */
function rate(timing, work, scale) {
  const f = (ms) => {
    const value = work / (ms / 1000) / scale;
    return value >= 100 ? value.toFixed(0) : value.toPrecision(3);
  };
  return `${f(timing.median)} (${f(timing.max)}–${f(timing.min)})`;
}

function ratio(ours, theirs) {
  if (!ours || !theirs) return 'n/a';
  return `${(theirs.median / ours.median).toFixed(2)}×`;
}

/** The four table cells every row ends with: each tfjs backend's rate and our speed-up over it. */
function versusTfjs(ours, tfjs, work, scale) {
  return [tfjs.wasm, tfjs.cpu].flatMap((theirs) => [
    theirs ? rate(theirs, work, scale) : 'n/a',
    ratio(ours, theirs),
  ]);
}

const kernels = await loadKernels({ build: 'simd128' });
/** The same kernels with each product split across two threads (loadKernels({ threads: 2 })). */
const kernels2 = await loadKernels({ threads: 2, build: 'simd128' });
/** The relaxed-SIMD build (fused micro-kernel) on 1 and 2 threads, where the engine has it. */
const relaxedKernels = relaxed ? await loadKernels({ build: 'relaxed-simd' }) : undefined;
const relaxedKernels2 = relaxed
  ? await loadKernels({ threads: 2, build: 'relaxed-simd' })
  : undefined;
const sections = [];

// The GEMM inner loop over L1-resident panels: the most any 4 × 8 f32x4 kernel can do here.
const probe = await ceilingProbe();
for (let i = 0; i < 200; i++) probe();
const ceilingRuns = Array.from({ length: 21 }, probe).sort((a, b) => a - b);
const ceiling = ceilingRuns[10];
console.log(`GEMM inner-loop ceiling: ${ceiling.toFixed(1)} GFLOP/s`);
// The same loop with relaxed SIMD's fused multiply-add (f32x4.relaxed_madd), where the engine
// has it (Node 20: --experimental-wasm-relaxed-simd), sampled interleaved with the plain one.
const fusedProbe = await ceilingProbe(true);
let fusedCeiling;
if (fusedProbe) {
  for (let i = 0; i < 200; i++) fusedProbe();
  const plain = [];
  const fused = [];
  for (let i = 0; i < 21; i++) {
    plain.push(probe());
    fused.push(fusedProbe());
  }
  const mid = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
  fusedCeiling = { fused: mid(fused), paired: mid(fused.map((f, i) => f / plain[i])) };
  console.log(
    `relaxed-SIMD inner-loop ceiling: ${fusedCeiling.fused.toFixed(1)} GFLOP/s (${fusedCeiling.paired.toFixed(2)}× the plain loop, paired)`,
  );
}

// ---------------------------------------------------------------------------------------
// GEMM
// ---------------------------------------------------------------------------------------
const gemmCases = [
  ...(quick ? [64, 256] : [64, 256, 512, 1024]).map((s) => ({
    name: `${s}×${s} · ${s}×${s}`,
    m: s,
    n: s,
    k: s,
    transA: false,
    transB: false,
  })),
  // The MLP 784-256 layer at batch 128: X (128×784), W (784×256), dY (128×256).
  { name: 'forward X·W: 128×784 · 784×256', m: 128, n: 256, k: 784, transA: false, transB: false },
  { name: 'dW = Xᵀ·dY: 784×128 · 128×256', m: 784, n: 256, k: 128, transA: true, transB: false },
  { name: 'dX = dY·Wᵀ: 128×256 · 256×784', m: 128, n: 784, k: 256, transA: false, transB: true },
  { name: '(X·W)ᵀ = Wᵀ·Xᵀ: 256×784 · 784×128', m: 256, n: 128, k: 784, transA: true, transB: true },
];

{
  const rows = [];
  for (const c of gemmCases) {
    const flops = 2 * c.m * c.n * c.k;
    const aShape = c.transA ? [c.k, c.m] : [c.m, c.k];
    const bShape = c.transB ? [c.n, c.k] : [c.k, c.n];
    const aData = random(c.m * c.k, 1);
    const bData = random(c.k * c.n, 2);
    const a = kernels.allocFrom(aData);
    const b = kernels.allocFrom(bData);
    const out = kernels.alloc(c.m * c.n);
    const a2 = kernels2.allocFrom(aData);
    const b2 = kernels2.allocFrom(bData);
    const out2 = kernels2.alloc(c.m * c.n);
    const fused = [relaxedKernels, relaxedKernels2].map((k) =>
      k ? [k.allocFrom(aData), k.allocFrom(bData), k.alloc(c.m * c.n)] : undefined,
    );
    const options = { m: c.m, n: c.n, k: c.k, transA: c.transA, transB: c.transB };
    const tensors = {};
    for (const backend of ['wasm', 'cpu']) {
      tensors[backend] = await on(backend, () => [
        tf.tensor2d(aData, aShape),
        tf.tensor2d(bData, bShape),
      ]);
    }
    const timings = await measure([
      { name: 'dualphi', run: () => kernels.gemm(a, b, out, options) },
      { name: 'dualphi2', run: () => kernels2.gemm(a2, b2, out2, options) },
      ...[relaxedKernels, relaxedKernels2].flatMap((k, i) =>
        k ? [{ name: `relaxed${i + 1}`, run: () => k.gemm(...fused[i], options) }] : [],
      ),
      // The inner-loop ceiling, sampled in the same rounds so it sees the same load.
      { name: 'ceiling', run: probe },
      ...['wasm', 'cpu'].map((backend) => ({
        name: backend,
        before: () => use(backend),
        run: () =>
          tf.matMul(tensors[backend][0], tensors[backend][1], c.transA, c.transB).dispose(),
      })),
    ]);
    for (const buffer of [a, b, out, a2, b2, out2, ...fused.flat()]) buffer?.free();
    for (const backend of ['wasm', 'cpu']) for (const t of tensors[backend]) t.dispose();
    const {
      dualphi: ours,
      dualphi2: two,
      relaxed1,
      relaxed2,
      ceiling: ceilingTiming,
      ...tfjs
    } = timings;
    const relaxedCells = relaxed
      ? [
          relaxed1 ? rate(relaxed1, flops, 1e9) : 'n/a',
          ours && relaxed1 ? `${(ours.median / relaxed1.median).toFixed(2)}×` : 'n/a',
          relaxed2 ? rate(relaxed2, flops, 1e9) : 'n/a',
          two && relaxed2 ? `${(two.median / relaxed2.median).toFixed(2)}×` : 'n/a',
        ]
      : [];
    const row = [
      c.name,
      ours ? rate(ours, flops, 1e9) : 'n/a',
      // From the fastest samples: the least disturbed by other work on a shared machine.
      ours && ceilingTiming
        ? `${(((100 * ceilingTiming.min) / ours.min) * (flops / CEILING_FLOPS_PER_CALL)).toFixed(0)} %`
        : 'n/a',
      two ? rate(two, flops, 1e9) : 'n/a',
      ours && two
        ? `${(ours.median / two.median).toFixed(2)}× (${(ours.min / two.min).toFixed(2)}×)`
        : 'n/a',
      ...relaxedCells,
      ...versusTfjs(ours, tfjs, flops, 1e9),
    ];
    console.log(row.join(' | '));
    rows.push(row);
  }
  sections.push({
    title: 'GEMM, C = A·B (GFLOP/s)',
    header: [
      'product',
      'dualphi wasm-simd',
      'of ceiling (fastest samples)',
      'dualphi, 2 threads',
      '2 threads / 1: medians (fastest samples)',
      ...(relaxed
        ? [
            'relaxed-simd',
            'relaxed / simd128 (medians)',
            'relaxed, 2 threads',
            'relaxed / simd128, 2 threads',
          ]
        : []),
      'tfjs-backend-wasm',
      'ratio',
      'tfjs-backend-cpu',
      'ratio',
    ],
    rows,
  });
}

// ---------------------------------------------------------------------------------------
// Fused softmax cross-entropy, forward + backward
// ---------------------------------------------------------------------------------------
{
  const rows = [];
  for (const [batch, classes] of [
    [1024, 1000],
    [128, 10],
  ]) {
    const logitsData = random(batch * classes, 3).map((x) => 4 * x);
    const labels = Int32Array.from({ length: batch }, (_, i) => (i * 7919) % classes);
    const logits = kernels.allocFrom(logitsData);
    const gradient = kernels.alloc(batch * classes);
    const tensors = {};
    for (const backend of ['wasm', 'cpu']) {
      tensors[backend] = await on(backend, () => {
        const x = tf.tensor2d(logitsData, [batch, classes]);
        const indices = tf.tensor1d(labels, 'int32');
        const onehot = tf.cast(tf.oneHot(indices, classes), 'float32');
        indices.dispose();
        return {
          x,
          onehot,
          lossAndGrad: tf.valueAndGrad((z) => tf.losses.softmaxCrossEntropy(onehot, z)),
        };
      });
    }
    const timings = await measure([
      {
        name: 'dualphi',
        run: () => kernels.softmaxCrossEntropy(logits, { labels }, batch, classes, { gradient }),
      },
      ...['wasm', 'cpu'].map((backend) => ({
        name: backend,
        before: () => use(backend),
        run: () => {
          const { x, lossAndGrad } = tensors[backend];
          const { value, grad } = lossAndGrad(x);
          value.dataSync();
          value.dispose();
          grad.dispose();
        },
      })),
    ]);
    logits.free();
    gradient.free();
    for (const backend of ['wasm', 'cpu']) {
      tensors[backend].x.dispose();
      tensors[backend].onehot.dispose();
    }
    const { dualphi: ours, ...tfjs } = timings;
    const row = [
      `${batch}×${classes}, class-index labels`,
      ours ? rate(ours, batch * classes, 1e6) : 'n/a',
      ...versusTfjs(ours, tfjs, batch * classes, 1e6),
    ];
    console.log(row.join(' | '));
    rows.push(row);
  }
  sections.push({
    title: 'Softmax cross-entropy, loss + gradient (Melem/s of logits)',
    header: [
      'batch × classes',
      'dualphi wasm-simd',
      'tfjs-backend-wasm valueAndGrad',
      'ratio',
      'tfjs-backend-cpu valueAndGrad',
      'ratio',
    ],
    rows,
  });
}

// ---------------------------------------------------------------------------------------
// Heavy-ball update: Δw ← α·Δw − η·g; w ← w + Δw
// ---------------------------------------------------------------------------------------
{
  const rows = [];
  const learningRate = 0.01;
  const momentum = 0.618;
  for (const n of quick ? [200_000] : [200_000, 16_000_000]) {
    const gData = random(n, 4);
    const weights = kernels.allocFrom(random(n, 5));
    const delta = kernels.alloc(n);
    const gradient = kernels.allocFrom(gData);
    // Plain JavaScript over Float32Arrays: what the update costs without a kernel.
    const w = random(n, 5);
    const d = new Float32Array(n);
    const tensors = {};
    for (const backend of ['wasm', 'cpu']) {
      tensors[backend] = await on(backend, () => ({
        wv: tf.variable(tf.tensor1d(random(n, 5))),
        dv: tf.variable(tf.zeros([n])),
        g: tf.tensor1d(gData),
        alpha: tf.scalar(momentum),
        eta: tf.scalar(learningRate),
      }));
    }
    const copySource = random(n, 6);
    const copyTarget = new Float32Array(n);
    const timings = await measure([
      {
        name: 'dualphi',
        run: () => kernels.heavyBall(weights, delta, gradient, n, { learningRate, momentum }),
      },
      // The memory-bound ceiling: a copy of n f32 (read + write) sampled in the same rounds.
      { name: 'copy', run: () => copyTarget.set(copySource) },
      {
        name: 'js',
        run: () => {
          for (let i = 0; i < n; i++) {
            const step = momentum * d[i] - learningRate * gData[i];
            d[i] = step;
            w[i] += step;
          }
        },
      },
      ...['wasm', 'cpu'].map((backend) => ({
        name: backend,
        before: () => use(backend),
        run: () => {
          const { wv, dv, g, alpha, eta } = tensors[backend];
          tf.tidy(() => {
            dv.assign(tf.sub(tf.mul(alpha, dv), tf.mul(eta, g)));
            wv.assign(tf.add(wv, dv));
          });
        },
      })),
    ]);
    weights.free();
    delta.free();
    gradient.free();
    for (const backend of ['wasm', 'cpu'])
      for (const t of Object.values(tensors[backend])) t.dispose();
    const { dualphi: ours, js, copy, ...tfjs } = timings;
    // The update reads w, Δw and g and writes w and Δw back: 20 bytes of memory traffic per
    // parameter. A copy of n f32 moves 12 bytes per element (read the source, read the
    // target's lines for ownership, write them back), so at the copy's bandwidth the update
    // cannot beat copyRate · 12 / 20.
    const bound = copy ? (12 * n) / (copy.min / 1000) / 20 / 1e9 : undefined;
    const row = [
      n.toLocaleString('en-US'),
      bound ? bound.toPrecision(3) : 'n/a',
      ours ? rate(ours, n, 1e9) : 'n/a',
      js ? rate(js, n, 1e9) : 'n/a',
      ratio(ours, js),
      ...versusTfjs(ours, tfjs, n, 1e9),
    ];
    console.log(row.join(' | '));
    rows.push(row);
  }
  sections.push({
    title: 'Heavy-ball update (Gelem/s of parameters)',
    header: [
      'parameters',
      'memory-bound estimate (fastest copy, 12 B → 20 B per element)',
      'dualphi wasm-simd',
      'plain JavaScript',
      'ratio',
      'tfjs-backend-wasm ops',
      'ratio',
      'tfjs-backend-cpu ops',
      'ratio',
    ],
    rows,
  });
}

// Prodigy's two fused passes against Adam (bench/prodigy.js).
sections.push(await prodigySection({ kernels, measure, rate, random, quick }));

// ---------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------
function table({ title, header, rows }) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [
    `### ${title}`,
    '',
    line(header),
    line(header.map(() => '---')),
    ...rows.map(line),
    '',
  ].join('\n');
}

const cpus = os.cpus();
const machine = `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} logical CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.platform()} ${os.release()}`;
const load = os
  .loadavg()
  .map((x) => x.toFixed(2))
  .join(', ');
const report = [
  '<!-- Generated by bench/run.js; the analysis below the tables is maintained by hand in bench/notes.md. -->',
  '# Benchmarks of @dualphi/core-wasm',
  '',
  `- Command: \`npm run bench -w @dualphi/core-wasm\` (= \`node --expose-gc bench/run.js${quick ? ' --quick' : ''}\`${process.execArgv.includes(RELAXED_FLAG) ? `, which on Node 20 runs itself again with ${RELAXED_FLAG}` : ''}) after \`npx turbo run build --filter=@dualphi/core-wasm\``,
  `- Date: ${new Date().toISOString()}`,
  `- Machine: ${machine}`,
  `- Node ${process.version} (V8 ${process.versions.v8}); @tensorflow/tfjs-core ${tf.version_core}; one thread everywhere except the "2 threads" columns (loadKernels({ threads: 2 })); dualphi columns name their build (loadKernels({ build: 'simd128' | 'relaxed-simd' }))`,
  `- Load average at the end of the run: ${load} (other work on a shared machine makes figures noisy; compare ratios measured side by side)`,
  `- GEMM inner-loop ceiling (the 4 × 8 micro-kernel's loop over L1-resident panels, bench/ceiling.js): ${ceiling.toFixed(1)} GFLOP/s (median of 21; ${ceilingRuns[0].toFixed(1)}–${ceilingRuns[20].toFixed(1)})`,
  fusedCeiling
    ? `- The same loop with relaxed SIMD's f32x4.relaxed_madd (the relaxed-simd build's micro-kernel): ${fusedCeiling.fused.toFixed(1)} GFLOP/s, ${fusedCeiling.paired.toFixed(2)}× the plain loop (median of 21 paired samples); the "of ceiling" column is against the plain loop`
    : '- Relaxed SIMD: not measured (--no-relaxed, or an engine without it), no relaxed-simd rows',
  `- Each figure: median (min–max) over ${samples} samples after warm-up, as a rate (higher is better). The contestants of a row are sampled interleaved (one sample of each in turn), so they share the machine's conditions; ratio = dualphi speed ÷ the other side's speed (medians).`,
  '',
  ...sections.map(table),
].join('\n');

const notesUrl = new URL('./notes.md', import.meta.url);
let notes = '';
try {
  const { readFile } = await import('node:fs/promises');
  notes = await readFile(notesUrl, 'utf8');
} catch {
  notes = '';
}
console.log(`\n${report}`);
if (write) {
  await writeFile(new URL('../BENCHMARKS.md', import.meta.url), `${report}\n${notes}`);
  console.log('wrote BENCHMARKS.md');
}
