/**
 * Benchmark of RegistryOptimizer's two update paths in one process, on tfjs-backend-cpu and
 * tfjs-backend-wasm: `model.fit` on the UCI digits (a 64-128-10 MLP, and 64-1024-10 whose
 * first kernel is large enough to be updated on its own; batch 32, 45 steps per epoch) with each optimizer through the tf-ops path (`path: 'ops'`) and the download path
 * (`path: 'download'`: the f64 reference rule on values read from the backend), interleaved
 * round by round after a warm-up. Prints steps/s per path and the paired ratio
 * ops ÷ download of steps/s (above 1: the tf-ops path is faster).
 *
 *   npm run build -w @dualphi/tfjs-adapter && npm run bench:registry -w @dualphi/tfjs-adapter
 *   node bench/registry.js --quick            (3 rounds, adam and prodigy only)
 *   node bench/registry.js --optimizers adamw,lion --backends wasm --hidden 128
 */
import os from 'node:os';
import { loadDigits } from '@dualphi/optimizer';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registryOptimizer } from '../dist/index.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const listArg = (flag, fallback) => {
  const i = argv.indexOf(flag);
  return i >= 0 && argv[i + 1] ? argv[i + 1].split(',') : fallback;
};
const names = listArg(
  '--optimizers',
  quick
    ? ['adam', 'prodigy']
    : ['golden', 'momentum', 'adamw', 'lion', 'prodigy', 'schedule-free-adamw'],
);
const backends = listArg('--backends', ['cpu', 'wasm']);
const hiddens = listArg('--hidden', quick ? ['128'] : ['128', '1024']).map(Number);
const rounds = quick ? 3 : 5;
const BATCH = 32;

tf.env().set('PROD', true);

function model(hidden) {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({
        units: hidden,
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

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

console.log(
  `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} logical CPUs, Node ${process.version}, tfjs ${tf.version_core}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(
  'backend | model | optimizer | ops steps/s | download steps/s | ops ÷ download (min–max)',
);
const { train } = loadDigits();
const steps = Math.ceil(train.count / BATCH);
for (const backend of backends) {
  const ok = await tf.setBackend(backend);
  if (!ok || tf.getBackend() !== backend) throw new Error(`tf.setBackend('${backend}') failed`);
  await tf.ready();
  const x = tf.tensor2d(train.features, [train.count, train.featureCount]);
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(train.labels, 'int32'), 10), 'float32'));
  for (const hidden of hiddens) {
    for (const name of names) {
      const runs = {};
      for (const path of ['ops', 'download']) {
        const m = model(hidden);
        const optimizer = registryOptimizer(name, { path });
        m.compile({ optimizer, loss: 'categoricalCrossentropy' });
        runs[path] = { model: m, optimizer, rates: [] };
      }
      for (let round = 0; round <= rounds; round++) {
        for (const run of Object.values(runs)) {
          const start = performance.now();
          await run.model.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 });
          const rate = steps / ((performance.now() - start) / 1000);
          if (round > 0) run.rates.push(rate); // round 0 warms up
        }
      }
      const ratios = runs.ops.rates.map((r, i) => r / runs.download.rates[i]);
      console.log(
        [
          backend,
          `64-${hidden}-10`,
          name,
          median(runs.ops.rates).toFixed(0),
          median(runs.download.rates).toFixed(0),
          `${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
        ].join(' | '),
      );
      for (const run of Object.values(runs)) {
        run.model.dispose();
        run.optimizer.dispose();
      }
    }
  }
  tf.dispose([x, y]);
}
