/**
 * The steps part: training steps/s of MLP 784-256-10 (batch 128) and 784-256-128-10 (batch
 * 64) for dualphi's train() on 1 and 2 threads (and on 1 with telemetry off), a bare loop
 * over the same kernels (the engine's reference), tfjs-layers on tfjs-backend-wasm and -cpu,
 * PyTorch CPU on 1 thread when python3 can import torch (Debian python3-torch), and train() on
 * the SIMD128 and relaxed-SIMD builds (./relaxed-steps.js).
 *
 * How it keeps the contenders from disturbing each other on a small shared machine:
 * - interleaved rounds of short epochs (one epoch of each contender per round), so that load
 *   changes hit every contender alike, and ratios taken within a round (paired);
 * - a full garbage collection before each timed epoch when the run has --expose-gc (the npm
 *   script passes it), so that no contender pays for another's garbage (tfjs-layers makes
 *   much of it, and V8 collects it on background threads that take the second core);
 * - the ratio of the fastest rounds beside the paired median: on a shared virtual machine,
 *   interference only ever slows a round down, so the fastest rounds are the least disturbed;
 * - a machine check before and after (./machine-check.js): two probe processes at once
 *   against one alone says whether the second core was free at all.
 */
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { getDefaultKernels, golden, Random } from '../../dist/index.js';
import { machineCheck, machineCheckLine } from './machine-check.js';
import { relaxedStepRates, relaxedStepsTable } from './relaxed-steps.js';
import { head, median, syntheticImages, trainStepRunner } from './step-common.js';

const STEP_SHAPES = [
  { network: '784-256-10 ReLU', hidden: [256], batchSize: 128 },
  { network: '784-256-128-10 ReLU', hidden: [256, 128], batchSize: 64 },
];
/** Steps per timed epoch (tfjs-backend-cpu: fewer, it is slow). */
const STEPS = { dualphi: 60, bare: 60, wasm: 20, cpu: 4 };
/** tfjs-backend-cpu is slow: it runs in the first rounds only. */
const CPU_ROUNDS = 3;
/** Rounds after the warm-up round, unless --epochs says otherwise. */
const ROUNDS = 15;

const round = (x, digits = 4) => Number(x.toFixed(digits));

/**
 * The same step as a bare loop over the kernels, with nothing around it: contiguous batches,
 * forward (GEMM with its bias and ReLU epilogue, as the engine calls it), fused softmax cross-entropy, backward (three GEMMs per layer
 * but the first, column sums, ReLU backward), and the delta-form heavy ball without telemetry.
 */
function bareStepRunner(k, data, hidden, batchSize) {
  const sizes = [784, ...hidden, 10];
  const layers = sizes.slice(1).map((out, l) => {
    const fanIn = sizes[l];
    const limit = Math.sqrt(6 / (fanIn + out));
    const random = Random.fromSeed(l + 1);
    const w = k.allocFrom(
      Float32Array.from({ length: fanIn * out }, () => (2 * random.nextFloat() - 1) * limit),
    );
    return {
      fanIn,
      out,
      w,
      b: k.alloc(out),
      gw: k.alloc(fanIn * out),
      gb: k.alloc(out),
      dw: k.alloc(fanIn * out),
      db: k.alloc(out),
      act: k.alloc(batchSize * out),
      delta: k.alloc(batchSize * out),
    };
  });
  const input = k.alloc(batchSize * 784);
  const labels = new Int32Array(batchSize);
  const steps = Math.floor(data.count / batchSize);
  const hb = { learningRate: golden.learningRate, momentum: golden.momentum };
  let step = 0;
  return async () => {
    const started = performance.now();
    for (let s = 0; s < STEPS.bare; s++) {
      const first = (step++ % steps) * batchSize;
      input.view.set(data.features.subarray(first * 784, (first + batchSize) * 784));
      labels.set(data.labels.subarray(first, first + batchSize));
      let a = input;
      for (const [l, layer] of layers.entries()) {
        k.gemm(a, layer.w, layer.act, {
          m: batchSize,
          n: layer.out,
          k: layer.fanIn,
          bias: layer.b,
          activation: l + 1 < layers.length ? 'relu' : 'none',
        });
        a = layer.act;
      }
      const top = layers[layers.length - 1];
      k.softmaxCrossEntropy(top.act, { labels }, batchSize, 10, { gradient: top.act });
      let delta = top.act;
      for (let l = layers.length - 1; l >= 0; l--) {
        const layer = layers[l];
        const below = l === 0 ? input : layers[l - 1].act;
        k.gemm(below, delta, layer.gw, {
          m: layer.fanIn,
          n: layer.out,
          k: batchSize,
          transA: true,
        });
        k.columnSums(delta, layer.gb, batchSize, layer.out);
        if (l > 0) {
          const next = layers[l - 1].delta;
          k.gemm(delta, layer.w, next, {
            m: batchSize,
            n: layer.fanIn,
            k: layer.out,
            transB: true,
          });
          k.reluBackward(below, next, next, batchSize * layer.fanIn);
          delta = next;
        }
      }
      for (const layer of layers) {
        k.heavyBall(layer.w, layer.dw, layer.gw, layer.w.length, hb);
        k.heavyBall(layer.b, layer.db, layer.gb, layer.b.length, hb);
      }
    }
    return STEPS.bare / ((performance.now() - started) / 1000);
  };
}

/** The step in PyTorch CPU on one thread (python3 -c), or a note why there is no row. */
function pytorchSteps(shape, rounds) {
  const script = `
import json, sys, time, statistics
import torch
torch.set_num_threads(1)
spec = json.loads(sys.argv[1])
torch.manual_seed(0)
layers, sizes = [], [784] + spec['hidden'] + [10]
for i in range(len(sizes) - 1):
    layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
    if i + 2 < len(sizes):
        layers.append(torch.nn.ReLU())
model = torch.nn.Sequential(*layers)
opt = torch.optim.SGD(model.parameters(), lr=spec['lr'], momentum=spec['momentum'])
loss_fn = torch.nn.CrossEntropyLoss()
b, steps = spec['batch'], spec['steps']
x = torch.rand(steps * b, 784)
y = torch.randint(0, 10, (steps * b,))
def epoch():
    t = time.perf_counter()
    for s in range(steps):
        xb, yb = x[s * b:(s + 1) * b], y[s * b:(s + 1) * b]
        opt.zero_grad(set_to_none=True)
        loss_fn(model(xb), yb).backward()
        opt.step()
    return steps / (time.perf_counter() - t)
epoch()
rates = [epoch() for _ in range(spec['rounds'])]
maps = open('/proc/self/maps').read()
blas = 'OpenBLAS' if 'openblas' in maps else 'a non-OpenBLAS BLAS (Debian links libblas.so.3: install libopenblas0-pthread)'
print(json.dumps({'rates': rates, 'torch': torch.__version__, 'threads': torch.get_num_threads(),
                  'blas': blas}))
`;
  const env = { ...process.env };
  // Settings this machine may carry for other programs: measure OpenBLAS as it picks itself.
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  // The python3 on PATH may be another installation (pyenv, a venv) than Debian's, which holds
  // python3-torch: try both.
  let note = 'PyTorch not installed (apt-get install python3-torch): no PyTorch row';
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      const out = execFileSync(
        python,
        [
          '-c',
          script,
          JSON.stringify({
            hidden: shape.hidden,
            batch: shape.batchSize,
            steps: 200,
            rounds,
            lr: golden.learningRate,
            momentum: golden.momentum,
          }),
        ],
        { env, encoding: 'utf8', timeout: 600_000, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const parsed = JSON.parse(out.trim().split('\n').pop());
      return {
        rates: parsed.rates,
        version: parsed.torch,
        threads: parsed.threads,
        blas: parsed.blas,
      };
    } catch (error) {
      const text = String(error.stderr || error.message);
      if (!/No module named 'torch'|ENOENT/.test(text)) {
        note = `PyTorch failed: ${text.trim().split('\n').pop()}`;
      }
    }
  }
  return { note };
}

/** Collects garbage (when exposed) and lets background GC work finish before a timed epoch. */
async function settle() {
  if (typeof globalThis.gc !== 'function') return;
  globalThis.gc();
  await sleep(5);
}

/**
 * Measures the part. `tfjsRunner(backend, data, hidden, batchSize)` returns a function that
 * trains one epoch of tfjs-layers and returns its samples/s; `rounds` overrides ROUNDS.
 */
export async function stepsPart({ tf, tfl, tfjsRunner, rounds = ROUNDS }) {
  const collected = typeof globalThis.gc === 'function';
  process.stderr.write('steps: machine check\n');
  const before = await machineCheck();
  const rows = [];
  let torchVersion;
  for (const shape of STEP_SHAPES) {
    const { hidden, batchSize } = shape;
    const data = syntheticImages(batchSize * STEPS.dualphi, 1);
    const one = await getDefaultKernels(1);
    const two = await getDefaultKernels(2);
    const contenders = {
      threads1: trainStepRunner(data, hidden, batchSize, { threads: 1 }),
      threads2: trainStepRunner(data, hidden, batchSize, { threads: 2 }),
      // What the process-balance telemetry costs inside the step (the bare loop has none).
      threads1NoTelemetry: trainStepRunner(data, hidden, batchSize, {
        threads: 1,
        optimizer: { telemetry: false },
      }),
      bare1: bareStepRunner(one, data, hidden, batchSize),
      bare2: bareStepRunner(two, data, hidden, batchSize),
    };
    const tfjsRate = async (backend, steps) => {
      const run = await tfjsRunner(backend, head(data, steps * batchSize), hidden, batchSize);
      return async () => (await run()) / batchSize;
    };
    contenders.wasm = await tfjsRate('wasm', STEPS.wasm);
    contenders.cpu = await tfjsRate('cpu', STEPS.cpu);
    const rates = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
    const takenBefore = two.pool?.stats;
    // Interleaved rounds so that load changes hit every contender alike; round 0 warms up.
    for (let r = 0; r <= rounds; r++) {
      process.stderr.write(
        `steps: ${shape.network} round ${r}/${rounds}${r === 0 ? ' (warm-up)' : ''}\n`,
      );
      for (const name of Object.keys(contenders)) {
        if (name === 'cpu' && r > CPU_ROUNDS) continue;
        await settle();
        const rate = await contenders[name]();
        if (r > 0) rates[name].push(rate);
      }
    }
    const takenAfter = two.pool?.stats;
    process.stderr.write(`steps: ${shape.network} PyTorch\n`);
    const torch = pytorchSteps(shape, rounds);
    if (torch.version) torchVersion = `${torch.version} on ${torch.blas}`;
    const s = (xs) => ({
      median: round(median(xs), 1),
      min: round(Math.min(...xs), 1),
      max: round(Math.max(...xs), 1),
      runs: xs.length,
    });
    const paired = (a, b) => round(median(rates[a].map((x, i) => x / rates[b][i])), 3);
    const fastest = (a, b) => round(Math.max(...rates[a]) / Math.max(...rates[b]), 3);
    const row = {
      network: shape.network,
      batchSize,
      dualphi1: s(rates.threads1),
      dualphi2: s(rates.threads2),
      bare1: s(rates.bare1),
      bare2: s(rates.bare2),
      tfjsWasm: s(rates.wasm),
      tfjsCpu: s(rates.cpu),
      twoOverOne: paired('threads2', 'threads1'),
      twoOverOneFastest: fastest('threads2', 'threads1'),
      engineOverBare1: paired('threads1', 'bare1'),
      engineOverBare1Fastest: fastest('threads1', 'bare1'),
      engineOverBare2: paired('threads2', 'bare2'),
      dualphi1NoTelemetry: s(rates.threads1NoTelemetry),
      engineNoTelemetryOverBare1: paired('threads1NoTelemetry', 'bare1'),
      twoOverTfjsWasm: round(median(rates.threads2) / median(rates.wasm), 2),
      twoOverTfjsWasmFastest: fastest('threads2', 'wasm'),
    };
    if (takenBefore && takenAfter) {
      // Parts of a split the main thread computed itself because the worker had not started.
      const handed = takenAfter.handed - takenBefore.handed;
      row.partsTakenBack =
        handed > 0 ? round((takenAfter.taken - takenBefore.taken) / handed, 3) : 0;
    }
    if (torch.rates) {
      row.pytorch1 = s(torch.rates);
      row.twoOverPytorch = round(row.dualphi2.median / row.pytorch1.median, 3);
      row.twoOverPytorchFastest = round(Math.max(...rates.threads2) / Math.max(...torch.rates), 3);
      row.oneOverPytorch = round(row.dualphi1.median / row.pytorch1.median, 3);
    } else {
      row.pytorchNote = torch.note;
    }
    row.relaxed = await relaxedStepRates(shape, rounds);
    rows.push(row);
  }
  process.stderr.write('steps: machine check\n');
  const after = await machineCheck();
  const targets = {
    twoThreads: rows.every((r) => r.twoOverOne >= 1.7),
    engine: rows.every((r) => r.engineOverBare1 >= 0.95),
    tfjsWasm: rows.every((r) => r.twoOverTfjsWasm >= 15),
    pytorch: rows.every((r) => r.twoOverPytorch !== undefined && r.twoOverPytorch >= 1),
  };
  return {
    setup: {
      measure: `training steps/s, ${rounds} interleaved rounds after a warm-up round (one epoch of each contender per round: ${STEPS.dualphi} steps for dualphi and the bare loop, ${STEPS.wasm} for tfjs-backend-wasm, ${STEPS.cpu} for tfjs-backend-cpu in the first ${CPU_ROUNDS} rounds${collected ? '; a full garbage collection before each epoch' : '; run without --expose-gc, so no garbage collection between epochs'}); PyTorch in its own process after the others, ${rounds} epochs of 200 steps after one warm-up epoch`,
      optimizer: `dualphi: dualProcess() (telemetry on) through train(), per-epoch evaluation excluded (one row with dualProcess({ telemetry: false })); bare loop: heavyBall without telemetry; tfjs: tf.train.momentum(${golden.learningRate}, ${golden.momentum}); PyTorch: SGD(lr, momentum) the same`,
      data: 'synthetic uniform [0, 1) features, 10 classes (speed does not depend on the values)',
      tfjs: `@tensorflow/tfjs-core ${tf.version_core}, tfjs-layers ${tfl.version_layers}`,
      pytorch: torchVersion
        ? `PyTorch ${torchVersion} (python3 -c, torch.set_num_threads(1), OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset)`
        : rows[0].pytorchNote,
    },
    machineCheck: { before, after },
    targets: {
      twoThreads: '2 threads ≥ 1.7× 1 thread',
      engine: 'train() ≥ 0.95× the bare loop (1 thread)',
      tfjsWasm: '2 threads ≥ 15× tfjs-backend-wasm',
      pytorch: '2 threads ≥ 1.0× PyTorch on 1 thread',
    },
    met: targets,
    rows,
  };
}

/** The part's section of BENCHMARKS.md; `meta(r)` gives the command and machine lines. */
export function renderSteps(r, meta, yes) {
  const lines = [];
  const cell = (x) => (x ? `${x.median} (${x.min}–${x.max})` : '–');
  const both = (paired, fastest) =>
    fastest === undefined ? `${paired}` : `${paired} (${fastest})`;
  lines.push('## Training steps per second', '', ...meta(r));
  lines.push(
    `${r.setup.measure}. ${r.setup.optimizer}. Data: ${r.setup.data}. ${r.setup.tfjs}; ${r.setup.pytorch}.`,
    '',
  );
  if (r.machineCheck) {
    lines.push(machineCheckLine(r.machineCheck.before, r.machineCheck.after), '');
  }
  lines.push(
    '| network, batch | dualphi 1 thread | dualphi 2 threads | bare loop 1 thread | bare loop 2 threads | tfjs-backend-wasm | tfjs-backend-cpu | PyTorch 1 thread |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const row of r.rows) {
    lines.push(
      `| ${row.network}, ${row.batchSize} | ${cell(row.dualphi1)} | ${cell(row.dualphi2)} | ${cell(row.bare1)} | ${cell(row.bare2)} | ${cell(row.tfjsWasm)} | ${cell(row.tfjsCpu)} | ${row.pytorch1 ? cell(row.pytorch1) : '–'} |`,
    );
  }
  lines.push(
    '',
    'Steps/s, median (min–max). Ratios: paired (the median over rounds of the ratio within a round), and in brackets the ratio of the fastest rounds (interference on a shared machine only slows a round down):',
    '',
    '| network, batch | 2 threads / 1 thread | train() / bare loop, 1 thread | train() / bare loop, 2 threads | 2 threads / tfjs-backend-wasm | 2 threads / PyTorch 1 thread | 1 thread / PyTorch 1 thread |',
    '|---|---|---|---|---|---|---|',
  );
  for (const row of r.rows) {
    lines.push(
      `| ${row.network}, ${row.batchSize} | ${both(row.twoOverOne, row.twoOverOneFastest)} | ${both(row.engineOverBare1, row.engineOverBare1Fastest)} | ${row.engineOverBare2} | ${both(row.twoOverTfjsWasm, row.twoOverTfjsWasmFastest)} | ${row.twoOverPytorch === undefined ? '–' : both(row.twoOverPytorch, row.twoOverPytorchFastest)} | ${row.oneOverPytorch ?? '–'} |`,
    );
  }
  const taken = r.rows.filter((row) => row.partsTakenBack !== undefined);
  if (taken.length > 0) {
    const each = taken.map(
      (row) => `${(100 * row.partsTakenBack).toFixed(1)} % (${row.network}, ${row.batchSize})`,
    );
    lines.push(
      '',
      `Parts of a split that the main thread computed itself because the worker had not started them (2 threads, train() and the bare loop): ${each.join('; ')}.`,
    );
  }
  lines.push('', ...relaxedStepsTable(r.rows));
  const quiet = r.rows.filter((row) => row.engineNoTelemetryOverBare1 !== undefined);
  if (quiet.length > 0) {
    const each = quiet.map(
      (row) => `${row.engineNoTelemetryOverBare1} (${row.network}, ${row.batchSize})`,
    );
    lines.push('', `train() with telemetry off / bare loop, 1 thread: ${each.join('; ')}.`);
  }
  lines.push('', 'Targets (on the paired ratios):', '');
  for (const [key, text] of Object.entries(r.targets)) lines.push(`- ${text} — ${yes(r.met[key])}`);
  lines.push('');
  for (const row of r.rows) if (row.pytorchNote) lines.push(`Note: ${row.pytorchNote}`, '');
  // Written by hand into bench/results/steps.json after a run: why a target was missed.
  if (r.analysis) lines.push(r.analysis, '');
  return lines;
}
