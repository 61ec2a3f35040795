/**
 * Benchmark of @dualphi/tfjs-adapter against tf.train.momentum (tfjs 4.22) in one process,
 * on tfjs-backend-cpu and tfjs-backend-wasm:
 *
 *  - one update step (`applyGradients`) over 2·10⁵ and 4·10⁶ parameters: tf.train.momentum,
 *    dualProcess() through tfjs ops (fused: false) and through the fused wasm kernel
 *    (fused: true, copies in and out included), each of the two also with the process-balance
 *    telemetry computed and read every step;
 *  - one whole `model.fit` epoch on the UCI digits (64-128-10 MLP, batch 32) with each;
 *  - the registry optimizers' two update paths in `model.fit` (bench/registry.js).
 *
 * Every variant runs in the same round, interleaved, after warm-up; each figure is the
 * median (min–max) of the rounds, and a ratio is the median (min–max) of the per-round ratios
 * time(variant) / time(tf.train.momentum): below 1 is faster.
 *
 *   npm run bench -w @dualphi/tfjs-adapter               (after building the package)
 *   node bench/run.js --quick                            (fewer rounds)
 *   node bench/run.js --write                            (also rewrite BENCHMARKS.md)
 */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { loadDigits } from '@dualphi/optimizer';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { dualProcess } from '../dist/index.js';
import { registryBench, registryBenchOptions, registryTable } from './registry.js';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const write = args.has('--write');

tf.env().set('PROD', true);

async function useBackend(name) {
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[sorted.length >> 1], min: sorted[0], max: sorted[sorted.length - 1] };
}

function format(s, digits) {
  return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
}

/**
 * Times each variant `rounds` times, interleaved (one call per variant per round) after
 * `warmup` untimed rounds. Returns per-variant timings and paired ratios against `baseline`.
 */
async function interleaved(variants, baseline, rounds, warmup) {
  const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let round = 0; round < warmup + rounds; round++) {
    for (const [name, run] of Object.entries(variants)) {
      const start = performance.now();
      await run();
      const elapsed = performance.now() - start;
      if (round >= warmup) times[name].push(elapsed);
    }
  }
  const out = {};
  for (const name of Object.keys(variants)) {
    out[name] = {
      ms: summary(times[name]),
      ratio: summary(times[name].map((t, i) => t / times[baseline][i])),
    };
  }
  return out;
}

/** One update step over `parameters` values in two variables (a matrix and a bias). */
async function updateStep(parameters) {
  const columns = 1000;
  const shapes = [[parameters / columns - 1, columns], [columns]];
  const variables = shapes.map((shape, i) =>
    tf.variable(tf.randomNormal(shape, 0, 0.1, 'float32', i + 1)),
  );
  const gradients = shapes.map((shape, i) => tf.randomNormal(shape, 0, 1, 'float32', i + 11));
  const named = variables.map((v, i) => ({ name: v.name, tensor: gradients[i] }));
  const momentum = tf.train.momentum(0.0158679247, 0.8740320489);
  const ops = dualProcess({ fused: false });
  const fused = dualProcess({ fused: true });
  const opsTelemetry = dualProcess({ fused: false, telemetry: true });
  const fusedTelemetry = dualProcess({ fused: true, telemetry: true });
  await fused.ready();
  await fusedTelemetry.ready();
  const result = await interleaved(
    {
      'tf.train.momentum': () => momentum.applyGradients(named),
      'dualProcess, tfjs ops': () => ops.applyGradients(named),
      'dualProcess, fused wasm kernel': () => fused.applyGradients(named),
      'dualProcess, tfjs ops, telemetry read every step': () => {
        opsTelemetry.applyGradients(named);
        opsTelemetry.lastStepTelemetry();
      },
      'dualProcess, fused, telemetry read every step': () => {
        fusedTelemetry.applyGradients(named);
        fusedTelemetry.lastStepTelemetry();
      },
    },
    'tf.train.momentum',
    quick ? 5 : parameters > 1e6 ? 9 : 25,
    quick ? 1 : 3,
  );
  for (const o of [momentum, ops, fused, opsTelemetry, fusedTelemetry]) o.dispose();
  tf.dispose([...variables, ...gradients]);
  return result;
}

function digitsModel() {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({
        units: 128,
        activation: 'relu',
        inputShape: [64],
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
      }),
      tfl.layers.dense({
        units: 10,
        activation: 'softmax',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
}

/** One `fit` epoch on the digits (1,438 samples, batch 32) per optimizer. */
async function fitEpoch() {
  const { train } = loadDigits();
  const x = tf.tensor2d(train.features, [train.count, train.featureCount]);
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(train.labels, 'int32'), 10), 'float32'));
  const models = {
    'tf.train.momentum': tf.train.momentum(0.0158679247, 0.8740320489),
    'dualProcess, tfjs ops': dualProcess({ fused: false }),
    'dualProcess, fused wasm kernel': dualProcess({ fused: true }),
  };
  await models['dualProcess, fused wasm kernel'].ready();
  const variants = {};
  const compiled = [];
  for (const [name, optimizer] of Object.entries(models)) {
    const model = digitsModel();
    model.compile({ optimizer, loss: 'categoricalCrossentropy' });
    compiled.push([model, optimizer]);
    variants[name] = () => model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 });
  }
  const result = await interleaved(variants, 'tf.train.momentum', quick ? 3 : 7, 1);
  for (const [model, optimizer] of compiled) {
    model.dispose();
    optimizer.dispose();
  }
  tf.dispose([x, y]);
  return result;
}

const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} logical CPUs, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}, tfjs ${tf.version_core}, load average ${os
  .loadavg()
  .map((l) => l.toFixed(2))
  .join(' ')} at start`;
console.log(machine);

const rows = [];
for (const backend of ['cpu', 'wasm']) {
  await useBackend(backend);
  for (const parameters of [200_000, 4_000_000]) {
    const result = await updateStep(parameters);
    for (const [variant, r] of Object.entries(result)) {
      const row = {
        backend,
        work: `update step, ${parameters.toExponential(0).replace('e+', '·10^')} parameters`,
        variant,
        ms: format(r.ms, 3),
        ratio: format(r.ratio, 2),
      };
      rows.push(row);
      console.log(Object.values(row).join(' | '));
    }
  }
  const result = await fitEpoch();
  for (const [variant, r] of Object.entries(result)) {
    const row = {
      backend,
      work: 'fit epoch, digits 64-128-10, batch 32',
      variant,
      ms: format(r.ms, 1),
      ratio: format(r.ratio, 2),
    };
    rows.push(row);
    console.log(Object.values(row).join(' | '));
  }
}

const table = [
  '| backend | work | variant | time ms, median (min–max) | time ÷ tf.train.momentum, median (min–max) |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.backend} | ${r.work} | ${r.variant} | ${r.ms} | ${r.ratio} |`),
].join('\n');
console.log(`\n${table}`);

console.log('\nregistry optimizers, tf-ops path ÷ download path (steps/s):');
const registry = registryTable(await registryBench(registryBenchOptions(quick)));
console.log(`\n${registry}`);

if (write) {
  const path = new URL('../BENCHMARKS.md', import.meta.url);
  const text = `# Benchmarks of @dualphi/tfjs-adapter

Produced by \`npm run bench -w @dualphi/tfjs-adapter -- --write\` (bench/run.js) on ${new Date().toISOString().slice(0, 10)}.

Machine: ${machine}.

Each variant ran interleaved with the others in one process after warm-up. A ratio below 1 means faster than \`tf.train.momentum\` at the same η and α (the golden constants). "fused wasm kernel" includes copying weights, delta and gradient into \`@dualphi/core-wasm\`'s memory and the new weights and delta back into tfjs tensors.

${table}

Load average at the end: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}. On a shared machine the absolute times drift a lot between runs; compare the
ratios, which pair variants measured in the same round.

## The registry optimizers' update paths

\`model.fit\` steps/s on the digits (batch 32, 45 steps per epoch) with each registry optimizer
through the tf-ops path (\`path: 'ops'\`) and the download path (\`path: 'download'\`), the
two interleaved round by round; the ratio is the median (min–max) of the per-round ratios of
steps/s, above 1 when the tf-ops path is faster. 64-1024-10's first kernel (65,536 weights) is
updated on its own, the other variables as one flat vector (bench/registry.js).

${registry}

How \`path: 'auto'\` uses this: it takes the download path on the backends in
\`DOWNLOAD_BACKENDS\` (src/registry-optimizer.ts), the tf-ops path elsewhere.

How \`fused: 'auto'\` uses this: it fuses on the backends listed in \`FUSED_BACKENDS\`
(src/fused.ts), those where the fused update step measured clearly faster than the tfjs ops at
both sizes. Change that list only after a run here says so.
`;
  await writeFile(path, text);
  console.log(`\nwrote ${path.pathname}`);
}
