#!/usr/bin/env node
/**
 * Accuracy and speed benchmark of @dualphi/optimizer (a benchmark, not a test).
 *
 *   npm run bench -w @dualphi/optimizer                 # all parts
 *   npm run bench -w @dualphi/optimizer -- --parts digits,speed
 *   node bench/run.js --parts fashion --epochs 2        # quick look, not recorded
 *
 * Parts:
 *   digits   UCI digits, 64-128-10 ReLU, batch 32, 40 epochs, dualProcess() defaults, three seeds
 *   digits-sweep  the digits run for ten seeds, each beside the same training in tfjs-layers
 *            (not part of the default run: it shows the spread the three-seed target sits in)
 *   fashion  Fashion-MNIST (Debian's dataset-fashion-mnist), 784-256-128-10 ReLU, batch 64, 20 epochs
 *   speed    training throughput (samples/s, one thread) of dualphi against tfjs-layers on
 *            tfjs-backend-wasm and tfjs-backend-cpu 4.22, same network, batch and optimizer
 *   steps    training steps/s of MLP 784-256-10 (batch 128) and 784-256-128-10 (batch 64):
 *            dualphi train() on 1 and 2 threads (and on 1 with telemetry off), a bare loop
 *            over the same kernels (the engine's reference), tfjs-layers on tfjs-backend-wasm
 *            and -cpu, PyTorch CPU on 1 thread when python3 can import torch (Debian
 *            python3-torch), and train() on the SIMD128 and relaxed-SIMD builds, with a
 *            check of how free the second core was (bench/parts/steps.js); not in the
 *            default run: `-- --parts steps`
 *   rules    cost per parameter of each registry update rule (Melem/s): dualphi, plain
 *            JavaScript and tfjs ops on both backends, the Prodigy / Adam ratio, and train()
 *            steps/s with Adam and Prodigy (bench/parts/rules.js); not in the default run
 *
 * Runs over the built package (dist/): build first with
 * `npx turbo run build --filter=@dualphi/optimizer`. Each part writes bench/results/<part>.json
 * (unless the run was shortened with --epochs/--seeds/--samples); BENCHMARKS.md is then
 * regenerated from all recorded parts.
 */

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadKernels } from '@dualphi/core-wasm';
import { createReferenceKernels } from '@dualphi/core-wasm/reference';
import { dualProcess, golden, idxDataset, loadDigits, train } from '../dist/index.js';
import { renderRules, rulesPart } from './parts/rules.js';
import { renderSteps, stepsPart } from './parts/steps.js';

const here = dirname(fileURLToPath(import.meta.url));
const resultsDir = join(here, 'results');
const FASHION_DIR = '/usr/share/datasets/fashion-mnist';

const { values: args } = parseArgs({
  options: {
    parts: { type: 'string', default: 'digits,fashion,speed' },
    seeds: { type: 'string' },
    epochs: { type: 'string' },
    samples: { type: 'string' },
    kernels: { type: 'string', default: 'wasm' },
    'no-write': { type: 'boolean', default: false },
    'no-tfjs': { type: 'boolean', default: false },
    'render-only': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0]);
  process.exit(0);
}
const parts = args.parts.split(',').map((p) => p.trim());
for (const part of parts) {
  if (!['digits', 'digits-sweep', 'fashion', 'speed', 'steps', 'rules'].includes(part)) {
    console.error(
      `unknown part "${part}" (expected digits, digits-sweep, fashion, speed, steps, rules)`,
    );
    process.exit(2);
  }
}
/** A shortened run is printed but not recorded. */
const shortened = Boolean(args.seeds || args.epochs || args.samples) || args.kernels !== 'wasm';
const record = !args['no-write'] && !shortened;

const kernels = args.kernels === 'reference' ? createReferenceKernels() : await loadKernels();
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x, digits = 4) => Number(x.toFixed(digits));

function save(part, result) {
  const full = {
    part,
    date: new Date().toISOString(),
    machine: machine(),
    command: commandLine(),
    ...result,
  };
  console.log(JSON.stringify(full, null, 2));
  if (!record) {
    console.log(`(not recorded: ${args['no-write'] ? '--no-write' : 'a shortened run'})`);
    return;
  }
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${part}.json`), `${JSON.stringify(full, null, 2)}\n`);
}

function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    logicalCores: cpu.length,
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    os: `${platform()} ${release()}`,
    node: process.version,
    kernels: kernels.name,
    loadAverage: loadavg().map((x) => round(x, 2)),
  };
}

function commandLine() {
  return `node bench/run.js ${process.argv.slice(2).join(' ')}`.trim();
}

function loadFashion() {
  const files = [
    'train-images-idx3-ubyte.gz',
    'train-labels-idx1-ubyte.gz',
    't10k-images-idx3-ubyte.gz',
    't10k-labels-idx1-ubyte.gz',
  ].map((f) => join(FASHION_DIR, f));
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length) {
    throw new Error(
      `Fashion-MNIST not found (${missing.join(', ')}): apt-get install dataset-fashion-mnist`,
    );
  }
  const [trainImages, trainLabels, testImages, testLabels] = files.map(
    (f) => new Uint8Array(readFileSync(f)),
  );
  return {
    train: { ...idxDataset(trainImages, trainLabels), name: 'fashion-mnist/train' },
    test: { ...idxDataset(testImages, testLabels), name: 'fashion-mnist/test' },
  };
}

/** A subset of the first `count` samples (for throughput runs that need not see everything). */
function head(dataset, count) {
  const n = Math.min(count, dataset.count);
  return {
    ...dataset,
    count: n,
    features: dataset.features.subarray(0, n * dataset.featureCount),
    labels: dataset.labels.subarray(0, n),
  };
}

async function accuracyRun(name, data, hidden, batchSize, epochs, seed) {
  const started = performance.now();
  const result = await train({
    data,
    hidden,
    batchSize,
    epochs,
    seed,
    kernels,
    optimizer: dualProcess(),
    onEpoch: (m) =>
      process.stderr.write(
        `  ${name} seed ${seed} epoch ${m.epoch}/${epochs}: test accuracy ${m.testAccuracy.toFixed(4)}, test loss ${m.testLoss.toFixed(4)}, ${Math.round(m.samplesPerSecond)} samples/s\n`,
      ),
  });
  const seconds = (performance.now() - started) / 1000;
  result.model.dispose();
  const last = result.final;
  return {
    seed,
    testAccuracy: round(last.testAccuracy),
    testLoss: round(last.testLoss),
    bestEpochAccuracy: round(Math.max(...result.epochs.map((m) => m.testAccuracy))),
    balanceDegreesLastEpoch: round(result.epochs[result.epochs.length - 1].balanceDegrees),
    seconds: round(seconds, 1),
  };
}

/** tfjs-layers (and its backends) for the comparison runs, loaded on first use. */
let tfjs;
async function loadTfjs() {
  if (!tfjs) {
    const tf = await import('@tensorflow/tfjs-core');
    const tfl = await import('@tensorflow/tfjs-layers');
    await import('@tensorflow/tfjs-backend-cpu');
    await import('@tensorflow/tfjs-backend-wasm');
    tf.env().set('PROD', true);
    tfjs = { tf, tfl };
  }
  return tfjs;
}

/** The same MLP in tfjs-layers: Dense ReLU layers, softmax output, Glorot-uniform, zero biases. */
function tfjsModel(tf, tfl, featureCount, hidden, classCount, seed) {
  const model = tfl.sequential();
  const sizes = [...hidden, classCount];
  for (const [i, units] of sizes.entries()) {
    model.add(
      tfl.layers.dense({
        units,
        activation: i < hidden.length ? 'relu' : 'softmax',
        kernelInitializer: tfl.initializers.glorotUniform(
          seed === undefined ? {} : { seed: seed * 100 + i },
        ),
        ...(i === 0 ? { inputShape: [featureCount] } : {}),
      }),
    );
  }
  // tf.train.momentum (v ← αv + g, w ← w − ηv) with constant η follows the same trajectory as
  // the papers' delta form (apps/docs/theory.md#constants).
  const optimizer = tf.train.momentum(golden.learningRate, golden.momentum);
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  return { model, optimizer };
}

/** Test accuracy of the same training in tfjs-layers on tfjs-backend-wasm (an independent check). */
async function tfjsAccuracy(data, hidden, batchSize, epochs, seed) {
  const { tf, tfl } = await loadTfjs();
  if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') returned false");
  const { model, optimizer } = tfjsModel(
    tf,
    tfl,
    data.train.featureCount,
    hidden,
    data.train.classCount,
    seed,
  );
  const x = tf.tensor2d(data.train.features, [data.train.count, data.train.featureCount]);
  const y = tf.oneHot(tf.tensor1d(data.train.labels, 'int32'), data.train.classCount);
  await model.fit(x, y, { batchSize, epochs, shuffle: true, verbose: 0 });
  const xt = tf.tensor2d(data.test.features, [data.test.count, data.test.featureCount]);
  const predicted = tf.tidy(() => tf.argMax(model.predict(xt), -1)).dataSync();
  let correct = 0;
  for (let i = 0; i < data.test.count; i++) if (predicted[i] === data.test.labels[i]) correct++;
  tf.dispose([x, y, xt]);
  model.dispose();
  optimizer.dispose();
  return round(correct / data.test.count);
}

async function digitsPart() {
  const data = loadDigits();
  const seeds = args.seeds ? args.seeds.split(',').map(Number) : [0, 1, 2];
  const epochs = args.epochs ? Number(args.epochs) : 40;
  const runs = [];
  for (const seed of seeds) {
    const run = await accuracyRun('digits', data, [128], 32, epochs, seed);
    if (!args['no-tfjs']) {
      process.stderr.write(`  digits seed ${seed}: the same training in tfjs-layers (wasm)\n`);
      run.tfjsWasmTestAccuracy = await tfjsAccuracy(data, [128], 32, epochs, seed);
    }
    runs.push(run);
  }
  save('digits', {
    setup: {
      data: `UCI digits, ${data.train.count} train / ${data.test.count} test`,
      network: '64-128-10 ReLU',
      batchSize: 32,
      epochs,
      optimizer: `dualProcess() (η = ${golden.learningRate}, α = ${golden.momentum})`,
    },
    target: 'test accuracy ≥ 0.965 for each seed',
    runs,
    met: runs.every((r) => r.testAccuracy >= 0.965),
  });
}

async function digitsSweepPart() {
  const data = loadDigits();
  const seeds = args.seeds ? args.seeds.split(',').map(Number) : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const epochs = args.epochs ? Number(args.epochs) : 40;
  const runs = [];
  for (const seed of seeds) {
    const run = await accuracyRun('digits', data, [128], 32, epochs, seed);
    runs.push({
      seed,
      testAccuracy: run.testAccuracy,
      tfjsWasmTestAccuracy: await tfjsAccuracy(data, [128], 32, epochs, seed),
    });
  }
  const mean = (xs) => round(xs.reduce((a, b) => a + b, 0) / xs.length);
  save('digits-sweep', {
    setup: {
      data: `UCI digits, ${data.train.count} train / ${data.test.count} test`,
      epochs,
      seeds,
    },
    runs,
    mean: mean(runs.map((r) => r.testAccuracy)),
    tfjsMean: mean(runs.map((r) => r.tfjsWasmTestAccuracy)),
    atLeast0965: runs.filter((r) => r.testAccuracy >= 0.965).length,
    tfjsAtLeast0965: runs.filter((r) => r.tfjsWasmTestAccuracy >= 0.965).length,
  });
}

async function fashionPart() {
  const data = loadFashion();
  const seeds = args.seeds ? args.seeds.split(',').map(Number) : [0];
  const epochs = args.epochs ? Number(args.epochs) : 20;
  const runs = [];
  for (const seed of seeds)
    runs.push(await accuracyRun('fashion', data, [256, 128], 64, epochs, seed));
  save('fashion', {
    setup: {
      data: `Fashion-MNIST, ${data.train.count} train / ${data.test.count} test, pixels ÷ 255`,
      network: '784-256-128-10 ReLU',
      batchSize: 64,
      epochs,
      optimizer: `dualProcess() (η = ${golden.learningRate}, α = ${golden.momentum})`,
    },
    target: 'test accuracy ≥ 0.88',
    runs,
    met: runs.every((r) => r.testAccuracy >= 0.88),
  });
}

// ---------------------------------------------------------------------------------------------
// Throughput: dualphi and tfjs-layers (wasm and cpu backends) side by side in one process.

/**
 * One epoch at a time of dualphi's train() (resuming its own checkpoint, so the run is one
 * continuous training); returns the epoch's training samples/s (evaluation excluded).
 */
function dualphiRunner(data, hidden, batchSize) {
  let checkpoint;
  let epochs = 0;
  return async () => {
    epochs++;
    const result = await train({
      data: { train: data, test: head(data, 64) },
      ...(checkpoint ? { resume: checkpoint } : { hidden, batchSize, optimizer: dualProcess() }),
      epochs,
      kernels,
    });
    checkpoint = result.checkpoint();
    result.model.dispose();
    return result.epochs[epochs - 1].samplesPerSecond;
  };
}

/** One epoch at a time of model.fit on a tfjs backend; returns the epoch's samples/s. */
async function tfjsRunner(tf, tfl, backend, data, hidden, batchSize) {
  const activate = async () => {
    if (!(await tf.setBackend(backend)))
      throw new Error(`tf.setBackend('${backend}') returned false`);
    await tf.ready();
  };
  await activate();
  const { model } = tfjsModel(tf, tfl, data.featureCount, hidden, data.classCount);
  const x = tf.tensor2d(data.features, [data.count, data.featureCount]);
  const y = tf.oneHot(tf.tensor1d(data.labels, 'int32'), data.classCount);
  return async () => {
    await activate();
    let started = 0;
    let rate = 0;
    await model.fit(x, y, {
      batchSize,
      epochs: 1,
      shuffle: true,
      verbose: 0,
      callbacks: {
        onEpochBegin: async () => {
          started = performance.now();
        },
        onEpochEnd: async () => {
          rate = data.count / ((performance.now() - started) / 1000);
        },
      },
    });
    return rate;
  };
}

const summary = (rates) => ({
  median: Math.round(median(rates)),
  min: Math.round(Math.min(...rates)),
  max: Math.round(Math.max(...rates)),
  epochs: rates.length,
});

/** tfjs-backend-cpu is slow: it runs in the first rounds only. */
const CPU_ROUNDS = 3;

async function speedPart() {
  const { tf, tfl } = await loadTfjs();
  const epochs = args.epochs ? Number(args.epochs) : 5;
  const digits = loadDigits().train;
  const workloads = [
    {
      name: 'digits',
      data: digits,
      hidden: [128],
      batchSize: 32,
      network: '64-128-10 ReLU',
      samples: { dualphi: digits.count, wasm: digits.count, cpu: digits.count },
    },
  ];
  let fashionNote;
  try {
    const fashion = loadFashion().train;
    const n = args.samples ? Number(args.samples) : 12_800;
    workloads.push({
      name: 'fashion',
      data: fashion,
      hidden: [256, 128],
      batchSize: 64,
      network: '784-256-128-10 ReLU',
      // tfjs-backend-cpu is slow: time it on fewer samples per epoch (samples/s is what counts).
      samples: { dualphi: n, wasm: n, cpu: Math.min(n, 1_920) },
    });
  } catch (error) {
    fashionNote = String(error.message);
    console.error(`speed: skipping Fashion-MNIST: ${fashionNote}`);
  }

  const rows = [];
  for (const w of workloads) {
    // Interleaved rounds (one epoch of each contender per round) so that load changes on a
    // shared machine hit all three alike; the first round is the warm-up.
    const contenders = {
      dualphi: dualphiRunner(head(w.data, w.samples.dualphi), w.hidden, w.batchSize),
      wasm: await tfjsRunner(tf, tfl, 'wasm', head(w.data, w.samples.wasm), w.hidden, w.batchSize),
      cpu: await tfjsRunner(tf, tfl, 'cpu', head(w.data, w.samples.cpu), w.hidden, w.batchSize),
    };
    const rates = { dualphi: [], wasm: [], cpu: [] };
    for (let round = 0; round <= epochs; round++) {
      process.stderr.write(
        `speed: ${w.name} round ${round}/${epochs}${round === 0 ? ' (warm-up)' : ''}\n`,
      );
      for (const name of ['dualphi', 'wasm', 'cpu']) {
        if (name === 'cpu' && round > CPU_ROUNDS) continue;
        const rate = await contenders[name]();
        if (round > 0) rates[name].push(rate);
      }
    }
    // Ratios of adjacent measurements within a round are what load changes disturb least.
    const paired = (other) =>
      round(median(rates[other].map((rate, i) => rates.dualphi[i] / rate)), 2);
    const dualphi = summary(rates.dualphi);
    const wasm = summary(rates.wasm);
    const cpu = summary(rates.cpu);
    rows.push({
      workload: w.name,
      network: w.network,
      batchSize: w.batchSize,
      samplesPerEpoch: w.samples,
      dualphi,
      tfjsWasm: wasm,
      tfjsCpu: cpu,
      ratioWasm: round(dualphi.median / wasm.median, 2),
      ratioCpu: round(dualphi.median / cpu.median, 2),
      pairedRatioWasm: paired('wasm'),
      pairedRatioCpu: paired('cpu'),
    });
  }
  save('speed', {
    setup: {
      optimizer: `dualphi: dualProcess() (telemetry on); tfjs: tf.train.momentum(${golden.learningRate}, ${golden.momentum}) — the same trajectory`,
      measure: `training samples/s per epoch, ${epochs} interleaved rounds (one epoch of each contender per round; tfjs-backend-cpu in the first ${CPU_ROUNDS}) after a warm-up round, one thread; dualphi through train(), tfjs through model.fit with shuffle`,
      tfjs: `@tensorflow/tfjs-core ${tf.version_core}, tfjs-layers ${tfl.version_layers}`,
      ...(fashionNote ? { note: fashionNote } : {}),
    },
    target: 'dualphi ≥ 8× tfjs-backend-wasm',
    rows,
    met: rows.every((r) => r.ratioWasm >= 8),
  });
}

// ---------------------------------------------------------------------------------------------
// ---------------------------------------------------------------------------------------------
// BENCHMARKS.md from the recorded parts.

function renderMarkdown() {
  const results = {};
  if (existsSync(resultsDir)) {
    for (const file of readdirSync(resultsDir).filter((f) => f.endsWith('.json'))) {
      const r = JSON.parse(readFileSync(join(resultsDir, file), 'utf8'));
      results[r.part] = r;
    }
  }
  const lines = [
    '# Benchmarks of @dualphi/optimizer',
    '',
    'Generated by `bench/run.js` from `bench/results/*.json` (each part records its own command, machine and date).',
    'Re-run with `npx turbo run build --filter=@dualphi/optimizer && npm run bench -w @dualphi/optimizer` (or `-- --parts digits`).',
    'Figures measured on shared machines while other work runs are noisy; ratios measured side by side in one process are more trustworthy than absolute figures.',
    '',
  ];
  const meta = (r) => [
    `Command: \`${r.command}\` — ${r.date.slice(0, 16).replace('T', ' ')} UTC — ${r.machine.cpu}, ${r.machine.logicalCores} logical cores, ${r.machine.os}, Node ${r.machine.node}, kernels \`${r.machine.kernels}\`${r.machine.loadAverage ? `; load average at the end ${r.machine.loadAverage.join(' / ')} (1 / 5 / 15 min)` : ''}.`,
    '',
  ];
  const yes = (met) => (met ? '**met**' : '**not met**');
  if (results.digits) {
    const r = results.digits;
    lines.push('## Digits accuracy', '', ...meta(r));
    lines.push(
      `${r.setup.data}; ${r.setup.network}; batch ${r.setup.batchSize}; ${r.setup.epochs} epochs; ${r.setup.optimizer}.`,
      '',
    );
    lines.push(
      '| seed | test accuracy | test loss (nats) | best epoch accuracy | seconds | tfjs-layers (wasm), same training |',
      '|---|---|---|---|---|---|',
    );
    for (const run of r.runs)
      lines.push(
        `| ${run.seed} | ${run.testAccuracy.toFixed(4)} | ${run.testLoss.toFixed(4)} | ${run.bestEpochAccuracy.toFixed(4)} | ${run.seconds} | ${run.tfjsWasmTestAccuracy?.toFixed(4) ?? '–'} |`,
      );
    lines.push('', `Target: ${r.target} — ${yes(r.met)}.`, '');
    if (r.runs.some((run) => run.tfjsWasmTestAccuracy !== undefined)) {
      lines.push(
        "The last column trains the same network with the same batch size, epochs and constants in tfjs-layers (`tf.train.momentum(η, α)`, its own seeded Glorot initialisation; `model.fit` shuffles with `Math.random`, so this column varies from run to run): an independent implementation, so it shows what this split and budget allow rather than a bit-identical replay. The project's earlier grid-search measurement (another independent implementation with its own train/test split) reported 0.976 for the golden pair; on this package's fixed split both implementations average about 0.964 (see the ten-seed table).",
        '',
      );
    }
  }
  if (results['digits-sweep']) {
    const r = results['digits-sweep'];
    const testCount = Number.parseInt(r.setup.data.split(' / ')[1], 10);
    lines.push('## Digits accuracy over ten seeds', '', ...meta(r));
    lines.push(
      `The same digits setup (${r.setup.epochs} epochs), each seed beside the same training in tfjs-layers on tfjs-backend-wasm (an independent implementation: its own initialisation, and unseeded shuffling, so its row varies from run to run). The test set has ${testCount} samples, so one sample is ${(100 / testCount).toFixed(2)} percentage points.`,
      '',
      `| | ${r.runs.map((run) => `seed ${run.seed}`).join(' | ')} | mean | seeds ≥ 0.965 |`,
      `|---|${r.runs.map(() => '---|').join('')}---|---|`,
      `| dualphi | ${r.runs.map((run) => run.testAccuracy.toFixed(4)).join(' | ')} | ${r.mean.toFixed(4)} | ${r.atLeast0965} of ${r.runs.length} |`,
      `| tfjs-layers (wasm) | ${r.runs.map((run) => run.tfjsWasmTestAccuracy.toFixed(4)).join(' | ')} | ${r.tfjsMean.toFixed(4)} | ${r.tfjsAtLeast0965} of ${r.runs.length} |`,
      '',
    );
  }
  if (results.fashion) {
    const r = results.fashion;
    lines.push('## Fashion-MNIST accuracy', '', ...meta(r));
    lines.push(
      `${r.setup.data}; ${r.setup.network}; batch ${r.setup.batchSize}; ${r.setup.epochs} epochs; ${r.setup.optimizer}.`,
      '',
    );
    lines.push(
      '| seed | test accuracy | test loss (nats) | best epoch accuracy | seconds |',
      '|---|---|---|---|---|',
    );
    for (const run of r.runs)
      lines.push(
        `| ${run.seed} | ${run.testAccuracy.toFixed(4)} | ${run.testLoss.toFixed(4)} | ${run.bestEpochAccuracy.toFixed(4)} | ${run.seconds} |`,
      );
    lines.push('', `Target: ${r.target} — ${yes(r.met)}.`, '');
    lines.push(
      "Data: Fashion-MNIST (H. Xiao, K. Rasul and R. Vollgraf, Zalando SE, 2017; MIT licence), read from Debian's `dataset-fashion-mnist`. For scale: the data set's own benchmark table lists an MLP 256-128-100 at 0.8833; the project's earlier grid-search measurement (an independent implementation, 3 seeds) found 0.888 for the golden pair.",
      '',
    );
  }
  if (results.speed) {
    const r = results.speed;
    const cell = (s) =>
      `${s.median.toLocaleString('en-US')} (${s.min.toLocaleString('en-US')}–${s.max.toLocaleString('en-US')})`;
    lines.push('## Training throughput', '', ...meta(r));
    lines.push(`${r.setup.measure}. Optimizer: ${r.setup.optimizer}. ${r.setup.tfjs}.`, '');
    lines.push(
      '| workload | batch | dualphi samples/s, median (min–max) | tfjs-backend-wasm | tfjs-backend-cpu | × wasm | × cpu |',
      '|---|---|---|---|---|---|---|',
    );
    for (const row of r.rows) {
      lines.push(
        `| ${row.workload}, ${row.network} | ${row.batchSize} | ${cell(row.dualphi)} | ${cell(row.tfjsWasm)} | ${cell(row.tfjsCpu)} | ${row.ratioWasm}${row.pairedRatioWasm ? ` (${row.pairedRatioWasm})` : ''} | ${row.ratioCpu}${row.pairedRatioCpu ? ` (${row.pairedRatioCpu})` : ''} |`,
      );
    }
    lines.push(
      '',
      '× columns: the ratio of the medians; in brackets, the median over rounds of the ratio within a round (adjacent measurements, least disturbed by load changes).',
      '',
      `Target: ${r.target} — ${yes(r.met)}.`,
      '',
    );
    if (r.setup.note) lines.push(`Note: ${r.setup.note}`, '');
  }
  if (results.steps) lines.push(...renderSteps(results.steps, meta, yes));
  if (results.rules) lines.push(...renderRules(results.rules, meta));
  writeFileSync(join(here, '..', 'BENCHMARKS.md'), `${lines.join('\n')}\n`);
}

for (const part of args['render-only'] ? [] : parts) {
  if (part === 'digits') await digitsPart();
  if (part === 'digits-sweep') await digitsSweepPart();
  if (part === 'fashion') {
    try {
      await fashionPart();
    } catch (error) {
      // Missing data must not cost the other parts their results.
      console.error(`fashion: ${error.message}`);
      process.exitCode = 1;
    }
  }
  if (part === 'speed') await speedPart();
  if (part === 'steps') {
    const { tf, tfl } = await loadTfjs();
    const run = (backend, data, hidden, batchSize) =>
      tfjsRunner(tf, tfl, backend, data, hidden, batchSize);
    const rounds = args.epochs ? Number(args.epochs) : undefined;
    save('steps', await stepsPart({ tf, tfl, tfjsRunner: run, rounds }));
  }
  if (part === 'rules') {
    const rounds = args.samples ? Number(args.samples) : undefined;
    save('rules', await rulesPart({ kernels, tf: (await loadTfjs()).tf, rounds }));
  }
}
if (record || args['render-only']) renderMarkdown();
