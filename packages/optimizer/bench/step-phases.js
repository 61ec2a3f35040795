#!/usr/bin/env node
/**
 * Where one training step spends its time, phase by phase, on 1 and on 2 threads (a
 * benchmark, not a test; nothing is recorded):
 *
 *   node bench/step-phases.js [--steps 300] [--threads 1,2]
 *
 * The step is train()'s (a shuffled batch gathered row by row, forward with the bias and ReLU
 * inside each product, fused softmax cross-entropy with its argmax, backward, the gradients'
 * allFinite check, dualProcess()'s update with telemetry) for MLP 784-256-10 batch 128 and
 * 784-256-128-10 batch 64, with a clock read around every kernel call. Each phase is the median over the steps; "per product, 2 threads" is the time
 * beyond half the 1-thread time (hand-off, join and imbalance). The un-instrumented step is
 * timed too, so the clock reads' own cost shows.
 *
 * Runs over the built package (dist/): build first with
 * `npx turbo run build --filter=@dualphi/optimizer`.
 */
import { parseArgs } from 'node:util';
import { dualProcess, getDefaultKernels, Random } from '../dist/index.js';

const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '300' },
    threads: { type: 'string', default: '1,2' },
  },
});
const STEPS = Number(args.steps);
const THREADS = args.threads.split(',').map(Number);

const SHAPES = [
  { network: '784-256-10', hidden: [256], batchSize: 128 },
  { network: '784-256-128-10', hidden: [256, 128], batchSize: 64 },
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The step's buffers on one kernel set: a network, its gradients, the optimizer's state. */
function setup(k, { hidden, batchSize }) {
  const sizes = [784, ...hidden, 10];
  const random = Random.fromSeed(7);
  const layers = sizes.slice(1).map((out, l) => {
    const fanIn = sizes[l];
    const limit = Math.sqrt(6 / (fanIn + out));
    return {
      fanIn,
      out,
      w: k.allocFrom(
        Float32Array.from({ length: fanIn * out }, () => (2 * random.nextFloat() - 1) * limit),
      ),
      b: k.alloc(out),
      gw: k.alloc(fanIn * out),
      gb: k.alloc(out),
      act: k.alloc(batchSize * out),
      delta: k.alloc(batchSize * out),
    };
  });
  const samples = batchSize * 16;
  const features = Float32Array.from({ length: samples * 784 }, () => random.nextFloat());
  const labelsAll = Int32Array.from({ length: samples }, () => random.nextInt(10));
  const order = random.permutation(samples);
  const parameters = layers.flatMap((layer, l) => [
    { name: `dense${l}/weights`, value: layer.w },
    { name: `dense${l}/bias`, value: layer.b },
  ]);
  const gradients = layers.flatMap((layer) => [layer.gw, layer.gb]);
  const optimizer = dualProcess();
  const state = optimizer.init(k, parameters);
  return {
    layers,
    input: k.alloc(batchSize * 784),
    labels: new Int32Array(batchSize),
    predicted: new Int32Array(batchSize),
    features,
    labelsAll,
    order,
    samples,
    parameters,
    gradients,
    optimizer,
    state,
  };
}

/** One step; `mark(name)` is called after each phase (a no-op for the plain timing). */
function step(k, s, batchSize, index, mark) {
  const first = (index % (s.samples / batchSize)) * batchSize;
  const view = s.input.view;
  for (let r = 0; r < batchSize; r++) {
    const sample = s.order[first + r];
    view.set(s.features.subarray(sample * 784, (sample + 1) * 784), r * 784);
    s.labels[r] = s.labelsAll[sample];
  }
  mark('gather');
  let a = s.input;
  const last = s.layers.length - 1;
  for (const [l, layer] of s.layers.entries()) {
    k.gemm(a, layer.w, layer.act, {
      m: batchSize,
      n: layer.out,
      k: layer.fanIn,
      bias: layer.b,
      activation: l < last ? 'relu' : 'none',
    });
    mark(
      `L${l + 1} forward ${batchSize}×${layer.out}×${layer.fanIn} (+ bias${l < last ? ', ReLU' : ''})`,
    );
    a = layer.act;
  }
  const top = s.layers[last];
  k.softmaxCrossEntropy(top.act, { labels: s.labels }, batchSize, 10, {
    gradient: top.act,
    predictions: s.predicted,
  });
  mark('softmax cross-entropy (and argmax)');
  let delta = top.act;
  for (let l = last; l >= 0; l--) {
    const layer = s.layers[l];
    const below = l === 0 ? s.input : s.layers[l - 1].act;
    k.gemm(below, delta, layer.gw, { m: layer.fanIn, n: layer.out, k: batchSize, transA: true });
    mark(`L${l + 1} dW ${layer.fanIn}×${layer.out}×${batchSize}`);
    k.columnSums(delta, layer.gb, batchSize, layer.out);
    mark(`L${l + 1} db columnSums`);
    if (l > 0) {
      const next = s.layers[l - 1].delta;
      k.gemm(delta, layer.w, next, {
        m: batchSize,
        n: layer.fanIn,
        k: layer.out,
        transB: true,
      });
      mark(`L${l + 1} dA ${batchSize}×${layer.fanIn}×${layer.out}`);
      k.reluBackward(below, next, next, batchSize * layer.fanIn);
      mark(`L${l + 1} reluBackward`);
      delta = next;
    }
  }
  let finite = true;
  for (const g of s.gradients) finite &&= k.allFinite(g, g.length);
  mark('gradient check (allFinite)');
  s.optimizer.update(k, s.parameters, s.gradients, s.state, { totalSteps: 1e9, batchSize });
  mark('update (dualProcess, telemetry)');
  return finite;
}

async function profile(threads, shape) {
  const k = await getDefaultKernels(threads);
  const s = setup(k, shape);
  const phases = new Map();
  let clock = 0;
  const mark = (name) => {
    const t = performance.now();
    if (!phases.has(name)) phases.set(name, []);
    phases.get(name).push(t - clock);
    clock = performance.now();
  };
  const plain = [];
  for (let i = 0; i < 30; i++) step(k, s, shape.batchSize, i, () => {});
  for (let i = 0; i < STEPS; i++) {
    // Alternate instrumented and plain steps so load changes hit both alike.
    clock = performance.now();
    step(k, s, shape.batchSize, i, mark);
    const t = performance.now();
    step(k, s, shape.batchSize, i, () => {});
    plain.push(performance.now() - t);
  }
  return { phases: new Map([...phases].map(([n, xs]) => [n, median(xs) * 1000])), plain };
}

for (const shape of SHAPES) {
  const results = {};
  for (const threads of THREADS) results[threads] = await profile(threads, shape);
  console.log(`\n${shape.network}, batch ${shape.batchSize} — median µs per phase`);
  const names = [...results[THREADS[0]].phases.keys()];
  const header = ['phase', ...THREADS.map((t) => `${t} thr`)];
  if (THREADS.includes(1) && THREADS.includes(2)) header.push('2 thr − ½·1 thr');
  console.log(header.join(' | '));
  const totals = THREADS.map(() => 0);
  for (const name of names) {
    const values = THREADS.map((t) => results[t].phases.get(name));
    values.forEach((v, i) => {
      totals[i] += v;
    });
    const row = [name, ...values.map((v) => v.toFixed(1))];
    if (header.length > THREADS.length + 1) {
      const one = results[1].phases.get(name);
      const two = results[2].phases.get(name);
      row.push((two - one / 2).toFixed(1));
    }
    console.log(row.join(' | '));
  }
  console.log(['sum of phases', ...totals.map((v) => v.toFixed(1))].join(' | '));
  console.log(
    [
      'plain step (median)',
      ...THREADS.map((t) => (median(results[t].plain) * 1000).toFixed(1)),
    ].join(' | '),
  );
  if (THREADS.includes(1) && THREADS.includes(2)) {
    console.log(
      `2 threads / 1 thread (plain steps): ${(median(results[1].plain) / median(results[2].plain)).toFixed(3)}`,
    );
  }
}
process.exit(0);
