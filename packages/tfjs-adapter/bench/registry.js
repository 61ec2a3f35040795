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
import { pathToFileURL } from 'node:url';
import { loadDigits } from '@dualphi/optimizer';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registryOptimizer } from '../dist/index.js';

const BATCH = 32;

/** The defaults (all, or the `--quick` subset). */
export function registryBenchOptions(quick) {
  return {
    names: quick
      ? ['adam', 'prodigy']
      : ['golden', 'momentum', 'adamw', 'lion', 'prodigy', 'schedule-free-adamw'],
    backends: ['cpu', 'wasm'],
    hiddens: quick ? [128] : [128, 1024],
    rounds: quick ? 3 : 5,
  };
}

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

/**
 * Runs the measurement; returns one row per backend, model and optimizer (and prints it as
 * it goes): steps/s of each path (median of the rounds) and the paired ratio ops ÷ download.
 */
export async function registryBench({ names, backends, hiddens, rounds }) {
  const rows = [];
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
        const row = {
          backend,
          model: `64-${hidden}-10`,
          optimizer: name,
          ops: median(runs.ops.rates).toFixed(0),
          download: median(runs.download.rates).toFixed(0),
          ratio: `${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
        };
        rows.push(row);
        console.log(Object.values(row).join(' | '));
        for (const run of Object.values(runs)) {
          run.model.dispose();
          run.optimizer.dispose();
        }
      }
    }
    tf.dispose([x, y]);
  }
  return rows;
}

/** The rows as a Markdown table. */
export function registryTable(rows) {
  return [
    '| backend | model | optimizer | tf-ops steps/s | download steps/s | tf-ops ÷ download, median (min–max) |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.backend} | ${r.model} | ${r.optimizer} | ${r.ops} | ${r.download} | ${r.ratio} |`,
    ),
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const listArg = (flag) => {
    const i = argv.indexOf(flag);
    return i >= 0 && argv[i + 1] ? argv[i + 1].split(',') : undefined;
  };
  const defaults = registryBenchOptions(argv.includes('--quick'));
  console.log(
    `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} logical CPUs, Node ${process.version}, tfjs ${tf.version_core}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    'backend | model | optimizer | ops steps/s | download steps/s | ops ÷ download (min–max)',
  );
  const rows = await registryBench({
    names: listArg('--optimizers') ?? defaults.names,
    backends: listArg('--backends') ?? defaults.backends,
    hiddens: listArg('--hidden')?.map(Number) ?? defaults.hiddens,
    rounds: defaults.rounds,
  });
  console.log(`\n${registryTable(rows)}`);
}
