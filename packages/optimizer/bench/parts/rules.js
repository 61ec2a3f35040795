/**
 * The `rules` part of bench/run.js: the cost per parameter of each registry update rule, as
 * elements (parameters) per second over all parameters of the MLPs 784-256-10 and
 * 784-256-128-10, four ways side by side (sampled interleaved, one round of every contestant
 * after another, so load changes hit all alike):
 *
 *   dualphi   `optimizer.update` on the wasm kernels (what `train()` runs: the engine's checks
 *             and the rule's kernel or its plain TypeScript over the buffers' views);
 *             Prodigy, Lion and Schedule-Free also on the reference kernel set (`plain`:
 *             the rule as plain TypeScript over Float32Arrays, the oracle the fused kernels
 *             are held to; for Lion and Schedule-Free the very loops they ran as before
 *             their fused kernels, with the same bits)
 *   js        the same rule as a plain JavaScript loop over Float32Arrays
 *   tfjs      the same rule in tfjs ops (tf.tidy, variables assigned) on tfjs-backend-wasm
 *             and tfjs-backend-cpu 4.22
 *
 * plus the Prodigy / Adam cost ratio (paired: one Adam call, then one Prodigy call, many
 * times; the median of the ratios), and training steps/s of train() with Adam and Prodigy
 * on the same MLPs. Every call is preceded by an untimed fresh gradient of a quadratic loss.
 * The plain TypeScript column is the median ratio within rounds, against Adam on wasm.
 */
import { createReferenceKernels } from '@dualphi/core-wasm/reference';
import {
  adam,
  adamw,
  dualProcess,
  goldenBatchLinear,
  goldenCosine,
  lion,
  prodigy,
  Random,
  scheduleFreeAdamW,
  scheduleFreeSgd,
  withTransforms,
} from '../../dist/index.js';
import { median, syntheticImages, trainStepRunner } from './step-common.js';

/** The parameter tensors (weights, biases) of an MLP. */
function shapesOf(sizes) {
  return sizes.slice(1).flatMap((out, l) => [sizes[l] * out, out]);
}

const NETWORKS = [
  { network: '784-256-10', sizes: [784, 256, 10], batchSize: 128 },
  { network: '784-256-128-10', sizes: [784, 256, 128, 10], batchSize: 64 },
];

function randomArray(length, random, scale) {
  return Float32Array.from({ length }, () => (2 * random.nextFloat() - 1) * scale);
}

/** The smallest sample of the table's measurement, in ms. */
const MIN_SAMPLE_MS = 15;
/** Pairs of calls in the Prodigy / Adam measurement. */
const PAIRED_ROUNDS = 301;

/**
 * Times contestants interleaved. A contestant's `prepare` (the next gradient) runs before
 * each call, untimed; `run` is one update. Each is warmed up, its calls per sample sized so
 * that the timed calls add up to ≥ `minSampleMs`, then `rounds` rounds take one sample of
 * each. Returns the ms per call of every sample by name.
 */
async function interleaved(contestants, rounds, minSampleMs = MIN_SAMPLE_MS) {
  const timed = (c, calls) => {
    let total = 0;
    for (let i = 0; i < calls; i++) {
      c.prepare();
      const start = performance.now();
      c.run();
      total += performance.now() - start;
    }
    return total;
  };
  const entries = [];
  for (const c of contestants) {
    await c.before?.();
    let calls = 0;
    let total = 0;
    while (calls < 3 || total < 100) {
      total += timed(c, 1);
      calls++;
    }
    entries.push({ c, calls: Math.max(1, Math.ceil(minSampleMs / (total / calls))), times: [] });
  }
  for (let r = 0; r < rounds; r++) {
    for (const entry of entries) {
      await entry.c.before?.();
      entry.times.push(timed(entry.c, entry.calls) / entry.calls);
    }
  }
  return Object.fromEntries(entries.map(({ c, times }) => [c.name, times]));
}

/**
 * The time ratio b / a from {@link PAIRED_ROUNDS} pairs, each one call of `a` then one of `b`
 * (each after its untimed `prepare`): the median of the pairs' ratios (both calls see the same
 * moment's load) and the ratio of the fastest calls (the least disturbed).
 */
function pairedRatio(a, b) {
  const ratios = [];
  const fastest = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  const once = (c) => {
    c.prepare();
    const start = performance.now();
    c.run();
    return performance.now() - start;
  };
  for (let i = 0; i < PAIRED_ROUNDS; i++) {
    const first = once(a);
    const second = once(b);
    ratios.push(second / first);
    fastest[0] = Math.min(fastest[0], first);
    fastest[1] = Math.min(fastest[1], second);
  }
  return { paired: median(ratios), fastest: fastest[1] / fastest[0] };
}

/** The rules, each with its dualphi optimizer, a plain-JavaScript step and a tfjs step. */
export function ruleCases(tf) {
  const heavyBall = { learningRate: 0.0159, momentum: 0.874 };
  const adamOptions = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
  /** Heavy ball Δw ← αΔw − ηg, w ← w + Δw over one tensor (JavaScript). */
  const jsHeavyBall = (w, [delta], g) => {
    const { learningRate: eta, momentum: alpha } = heavyBall;
    for (let i = 0; i < w.length; i++) {
      const step = alpha * delta[i] - eta * g[i];
      delta[i] = step;
      w[i] += step;
    }
  };
  const tfHeavyBall = (w, [delta], g) => {
    delta.assign(tf.sub(tf.mul(heavyBall.momentum, delta), tf.mul(heavyBall.learningRate, g)));
    w.assign(tf.add(w, delta));
  };
  /** Adam / AdamW at a late step (bias corrections as scalars). */
  const jsAdam =
    (weightDecay) =>
    (w, [m, v], g, step) => {
      const { learningRate: eta, beta1, beta2, epsilon } = adamOptions;
      const c1 = 1 - beta1 ** step;
      const c2 = 1 - beta2 ** step;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i];
        const mi = beta1 * m[i] + (1 - beta1) * gi;
        const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        w[i] = w[i] - eta * weightDecay * w[i] - (eta * mi) / c1 / (Math.sqrt(vi / c2) + epsilon);
      }
    };
  const tfAdam =
    (weightDecay) =>
    (w, [m, v], g, step) => {
      const { learningRate: eta, beta1, beta2, epsilon } = adamOptions;
      const c1 = 1 - beta1 ** step;
      const c2 = 1 - beta2 ** step;
      m.assign(tf.add(tf.mul(beta1, m), tf.mul(1 - beta1, g)));
      v.assign(tf.add(tf.mul(beta2, v), tf.mul(1 - beta2, tf.square(g))));
      const adaptive = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), epsilon));
      const decayed = weightDecay > 0 ? tf.mul(1 - eta * weightDecay, w) : w;
      w.assign(tf.sub(decayed, tf.mul(eta, adaptive)));
    };
  const lionOptions = { learningRate: 1e-4, beta1: 0.9, beta2: 0.99, weightDecay: 0.01 };
  const sf = { learningRate: 1, momentum: 0.9 };
  const sfAdam = { learningRate: 0.0025, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
  /** Schedule-Free's averaging coefficient c = 1/(k + 1) at the default weights. */
  const averaging = (step) => 1 / step;
  return [
    {
      rule: 'heavy ball (golden, dualProcess)',
      optimizer: () => dualProcess({ telemetry: false }),
      slots: 1,
      js: jsHeavyBall,
      tf: tfHeavyBall,
    },
    {
      rule: 'heavy ball with process telemetry (dualProcess default)',
      optimizer: () => dualProcess(),
      slots: 1,
    },
    {
      rule: 'golden-cosine (heavy-ball kernel, η per step)',
      optimizer: () => goldenCosine({ decaySteps: 10_000, telemetry: false }),
      slots: 1,
    },
    {
      rule: 'golden-batch-linear (heavy-ball kernel, η per step)',
      optimizer: () => goldenBatchLinear({ batchSize: 64, telemetry: false }),
      slots: 1,
    },
    {
      rule: 'heavy ball + global-norm clipping (clipNorm 1e-3: scales every step)',
      optimizer: () => withTransforms(dualProcess({ telemetry: false }), { clipNorm: 1e-3 }),
      slots: 1,
      jsAll: (weights, slots, gradients) => {
        let squares = 0;
        for (const g of gradients) for (let i = 0; i < g.length; i++) squares += g[i] * g[i];
        const norm = Math.sqrt(squares);
        if (norm > 1e-3) {
          const factor = 1e-3 / norm;
          for (const g of gradients) for (let i = 0; i < g.length; i++) g[i] *= factor;
        }
        weights.forEach((w, t) => {
          jsHeavyBall(w, slots[t], gradients[t]);
        });
      },
      tfAll: (weights, slots, gradients) => {
        const norm = tf.sqrt(tf.addN(gradients.map((g) => tf.sum(tf.square(g)))));
        const factor = tf.minimum(1, tf.div(1e-3, norm));
        weights.forEach((w, t) => {
          tfHeavyBall(w, slots[t], tf.mul(gradients[t], factor));
        });
      },
    },
    {
      rule: 'adam',
      optimizer: () => adam(),
      slots: 2,
      js: jsAdam(0),
      tf: tfAdam(0),
    },
    {
      rule: 'adamw',
      optimizer: () => adamw(),
      slots: 2,
      js: jsAdam(0.01),
      tf: tfAdam(0.01),
    },
    {
      rule: 'prodigy',
      optimizer: () => prodigy(),
      plain: true,
      slots: 4,
      // The two passes over all tensors with the scalars d, d_max and r (as prodigy.ts).
      jsAll: (weights, slots, gradients, _step, scalars) => {
        const beta1 = 0.9;
        const beta2 = 0.999;
        const beta3 = Math.sqrt(beta2);
        const { d } = scalars;
        const dlr = d;
        const scale = (d / 1e-6) * dlr;
        let numerator = beta3 * scalars.numerator;
        let denominator = 0;
        weights.forEach((w, t) => {
          const [displacement, s] = slots[t];
          const g = gradients[t];
          let dot = 0;
          let l1 = 0;
          for (let i = 0; i < w.length; i++) {
            dot += g[i] * displacement[i];
            s[i] = beta3 * s[i] + scale * g[i];
            l1 += Math.abs(s[i]);
          }
          numerator += scale * dot;
          denominator += l1;
        });
        scalars.numerator = numerator;
        if (denominator === 0) return;
        const next = Math.max(d, numerator / denominator);
        scalars.d = next;
        weights.forEach((w, t) => {
          const [displacement, , m, v] = slots[t];
          const g = gradients[t];
          for (let i = 0; i < w.length; i++) {
            const mi = beta1 * m[i] + (1 - beta1) * d * g[i];
            const vi = beta2 * v[i] + (1 - beta2) * d * d * g[i] * g[i];
            m[i] = mi;
            v[i] = vi;
            const step = (dlr * mi) / (Math.sqrt(vi) + next * 1e-8);
            w[i] -= step;
            displacement[i] += step;
          }
        });
      },
      // The same in tf ops, the scalars as tensors (no read-back to JavaScript).
      tfAll: (weights, slots, gradients, _step, scalars) => {
        const beta3 = Math.sqrt(0.999);
        const { d } = scalars;
        const scale = tf.mul(tf.div(d, 1e-6), d);
        const sums = weights.map((_, t) => {
          const [displacement, s] = slots[t];
          const g = gradients[t];
          s.assign(tf.add(tf.mul(beta3, s), tf.mul(scale, g)));
          return { dot: tf.sum(tf.mul(g, displacement)), l1: tf.sum(tf.abs(s)) };
        });
        const numerator = tf.add(
          tf.mul(beta3, scalars.numerator),
          tf.mul(scale, tf.addN(sums.map((x) => x.dot))),
        );
        scalars.numerator.assign(numerator);
        const next = tf.maximum(d, tf.div(numerator, tf.addN(sums.map((x) => x.l1))));
        weights.forEach((w, t) => {
          const [displacement, , m, v] = slots[t];
          const g = gradients[t];
          m.assign(tf.add(tf.mul(0.9, m), tf.mul(tf.mul(0.1, d), g)));
          v.assign(tf.add(tf.mul(0.999, v), tf.mul(tf.mul(0.001, tf.square(d)), tf.square(g))));
          const step = tf.div(tf.mul(d, m), tf.add(tf.sqrt(v), tf.mul(next, 1e-8)));
          w.assign(tf.sub(w, step));
          displacement.assign(tf.add(displacement, step));
        });
        d.assign(next);
      },
      scalars: () => ({ d: 1e-6, numerator: 0 }),
    },
    {
      rule: 'schedule-free-sgd',
      optimizer: () => scheduleFreeSgd(),
      plain: true,
      slots: 2,
      js: (y, [z, x], g, step) => {
        const c = averaging(step);
        for (let i = 0; i < y.length; i++) {
          z[i] -= sf.learningRate * g[i];
          x[i] = (1 - c) * x[i] + c * z[i];
          y[i] = sf.momentum * x[i] + (1 - sf.momentum) * z[i];
        }
      },
      tf: (y, [z, x], g, step) => {
        const c = averaging(step);
        z.assign(tf.sub(z, tf.mul(sf.learningRate, g)));
        x.assign(tf.add(tf.mul(1 - c, x), tf.mul(c, z)));
        y.assign(tf.add(tf.mul(sf.momentum, x), tf.mul(1 - sf.momentum, z)));
      },
    },
    {
      rule: 'schedule-free-adamw',
      optimizer: () => scheduleFreeAdamW(),
      plain: true,
      slots: 3,
      js: (y, [z, x, v], g, step) => {
        const c = averaging(step);
        const correction = 1 - sfAdam.beta2 ** step;
        for (let i = 0; i < y.length; i++) {
          const vi = sfAdam.beta2 * v[i] + (1 - sfAdam.beta2) * g[i] * g[i];
          v[i] = vi;
          z[i] -= (sfAdam.learningRate * g[i]) / (Math.sqrt(vi / correction) + sfAdam.epsilon);
          x[i] = (1 - c) * x[i] + c * z[i];
          y[i] = sfAdam.beta1 * x[i] + (1 - sfAdam.beta1) * z[i];
        }
      },
      tf: (y, [z, x, v], g, step) => {
        const c = averaging(step);
        const correction = 1 - sfAdam.beta2 ** step;
        v.assign(tf.add(tf.mul(sfAdam.beta2, v), tf.mul(1 - sfAdam.beta2, tf.square(g))));
        const denominator = tf.add(tf.sqrt(tf.div(v, correction)), sfAdam.epsilon);
        z.assign(tf.sub(z, tf.div(tf.mul(sfAdam.learningRate, g), denominator)));
        x.assign(tf.add(tf.mul(1 - c, x), tf.mul(c, z)));
        y.assign(tf.add(tf.mul(sfAdam.beta1, x), tf.mul(1 - sfAdam.beta1, z)));
      },
    },
    {
      rule: 'lion',
      optimizer: () => lion({ weightDecay: lionOptions.weightDecay }),
      plain: true,
      slots: 1,
      js: (w, [m], g) => {
        const { learningRate: eta, beta1, beta2, weightDecay } = lionOptions;
        for (let i = 0; i < w.length; i++) {
          const c = beta1 * m[i] + (1 - beta1) * g[i];
          w[i] = w[i] - eta * (Math.sign(c) + weightDecay * w[i]);
          m[i] = beta2 * m[i] + (1 - beta2) * g[i];
        }
      },
      tf: (w, [m], g) => {
        const { learningRate: eta, beta1, beta2, weightDecay } = lionOptions;
        const c = tf.add(tf.mul(beta1, m), tf.mul(1 - beta1, g));
        w.assign(tf.sub(w, tf.mul(eta, tf.add(tf.sign(c), tf.mul(weightDecay, w)))));
        m.assign(tf.add(tf.mul(beta2, m), tf.mul(1 - beta2, g)));
      },
    },
  ];
}

/** Contestants of one rule over one network's parameter shapes. */
async function contestantsOf(rule, shapes, kernels, tf, use) {
  const random = Random.fromSeed(7);
  const weights0 = shapes.map((n) => randomArray(n, random, 0.05));
  // The gradient of the loss ½ Σ aᵢ(xᵢ − cᵢ)² plus noise, a ⊙ (x − c) + ξ, taken afresh
  // before every step outside the timed call: with one constant gradient Prodigy's distance,
  // and so its d, grows without bound; without the noise ξ (a window of a random pool moved
  // at every step) Adam lands exactly on c, and its first moment decays into subnormal
  // numbers, which are slow.
  const curvature = shapes.map((n) => randomArray(n, random, 0.45).map((a) => 0.55 + a));
  const centre = shapes.map((n) => randomArray(n, random, 0.05));
  const NOISE_WINDOWS = 4096;
  const noise = randomArray(Math.max(...shapes) + NOISE_WINDOWS, random, 0.005);
  const noiseOffset = (draw, t) => (draw * 7919 + t * 104_729) % NOISE_WINDOWS;
  const gradientOf = (x, t, g, draw) => {
    const a = curvature[t];
    const c = centre[t];
    const offset = noiseOffset(draw, t);
    for (let i = 0; i < g.length; i++) g[i] = a[i] * (x[i] - c[i]) + noise[offset + i];
  };
  const names = shapes.map((_, t) => `p${t}`);
  const contestants = [];
  const onKernels = (name, k) => {
    const optimizer = rule.optimizer();
    const parameters = names.map((n, t) => ({ name: n, value: k.allocFrom(weights0[t]) }));
    const gradients = shapes.map((n) => k.alloc(n));
    const state = optimizer.init(k, parameters);
    let draws = 0;
    const prepare = () => {
      draws++;
      for (const [t, g] of gradients.entries()) {
        gradientOf(parameters[t].value.view, t, g.view, draws);
      }
    };
    const run = () => optimizer.update(k, parameters, gradients, state);
    // A few steps first, so that Prodigy's d has left d₀ and Adam's moments are not zero.
    for (let i = 0; i < 4; i++) {
      prepare();
      run();
    }
    contestants.push({ name, prepare, run });
  };
  onKernels(`${rule.rule}|dualphi`, kernels);
  if (rule.plain) onKernels(`${rule.rule}|plain`, createReferenceKernels());
  if (rule.js || rule.jsAll) {
    const weights = weights0.map((w) => w.slice());
    const gradients = shapes.map((n) => new Float32Array(n));
    const slots = shapes.map((n) => Array.from({ length: rule.slots }, () => new Float32Array(n)));
    const scalars = rule.scalars?.() ?? {};
    let step = 0;
    contestants.push({
      name: `${rule.rule}|js`,
      prepare: () => {
        for (const [t, g] of gradients.entries()) gradientOf(weights[t], t, g, step + 1);
      },
      run: () => {
        step++;
        if (rule.jsAll) rule.jsAll(weights, slots, gradients, step, scalars);
        else for (const [t, w] of weights.entries()) rule.js(w, slots[t], gradients[t], step);
      },
    });
  }
  const tensors = [];
  const live = [];
  if (rule.tf || rule.tfAll) {
    for (const backend of ['wasm', 'cpu']) {
      await use(backend);
      const weights = weights0.map((w) => tf.variable(tf.tensor1d(w)));
      const a = curvature.map((x) => tf.tensor1d(x));
      const c = centre.map((x) => tf.tensor1d(x));
      const gradients = [];
      live.push(gradients);
      const slots = shapes.map((n) =>
        Array.from({ length: rule.slots }, () => tf.variable(tf.zeros([n]))),
      );
      const scalars = Object.fromEntries(
        Object.entries(rule.scalars?.() ?? {}).map(([k, v]) => [k, tf.variable(tf.scalar(v))]),
      );
      tensors.push(...weights, ...a, ...c, ...slots.flat(), ...Object.values(scalars));
      let step = 0;
      contestants.push({
        name: `${rule.rule}|tfjs-${backend}`,
        before: () => use(backend),
        prepare: () => {
          for (const g of gradients.splice(0)) g.dispose();
          for (const [t, w] of weights.entries()) {
            const offset = noiseOffset(step + 1, t);
            const xi = noise.subarray(offset, offset + shapes[t]);
            gradients.push(tf.tidy(() => tf.add(tf.mul(a[t], tf.sub(w, c[t])), tf.tensor1d(xi))));
          }
          gradients[0].dataSync();
        },
        run: () => {
          step++;
          tf.tidy(() => {
            if (rule.tfAll) rule.tfAll(weights, slots, gradients, step, scalars);
            else for (const [t, w] of weights.entries()) rule.tf(w, slots[t], gradients[t], step);
          });
          // Wait for the backend to finish (the wasm and cpu backends run synchronously).
          weights[0].dataSync();
        },
      });
    }
  }
  return {
    contestants,
    dispose: () => {
      for (const t of [...tensors, ...live.flat()]) t.dispose();
    },
  };
}

const round = (x, digits = 3) => Number(x.toPrecision(digits));

/**
 * Runs the part: `kernels` the wasm kernel set, `tf` tfjs-core with its backends loaded,
 * `rounds` the samples per contestant. Returns the result to record.
 */
export async function rulesPart({ kernels, tf, rounds = 7, trainRounds = 5 }) {
  const use = async (backend) => {
    if (tf.getBackend() === backend) return;
    if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} did not load`);
    await tf.ready();
  };
  const networks = [];
  for (const { network, sizes, batchSize } of NETWORKS) {
    const shapes = shapesOf(sizes);
    const parameters = shapes.reduce((a, b) => a + b, 0);
    const built = [];
    for (const rule of ruleCases(tf))
      built.push(await contestantsOf(rule, shapes, kernels, tf, use));
    process.stderr.write(`rules: ${network} (${parameters} parameters), ${rounds} rounds\n`);
    const all = built.flatMap((b) => b.contestants);
    const times = await interleaved(all, rounds);
    // The target's ratio from adjacent calls of the two alone (many pairs, so that the
    // median holds on a loaded machine).
    const pair = pairedRatio(
      ...['adam|dualphi', 'prodigy|dualphi'].map((name) => all.find((c) => c.name === name)),
    );
    for (const b of built) b.dispose();
    const rate = (name) =>
      times[name] ? round(parameters / (median(times[name]) / 1000) / 1e6) : undefined;
    const paired = (a, b) => round(median(times[a].map((t, i) => t / times[b][i])));
    const rows = ruleCases(tf).map(({ rule }) => ({
      rule,
      dualphi: rate(`${rule}|dualphi`),
      plain: rate(`${rule}|plain`),
      js: rate(`${rule}|js`),
      tfjsWasm: rate(`${rule}|tfjs-wasm`),
      tfjsCpu: rate(`${rule}|tfjs-cpu`),
    }));
    const prodigyOverAdam = round(pair.paired);
    const prodigyOverAdamFastest = round(pair.fastest);
    const plainOverAdam = paired('prodigy|plain', 'adam|dualphi');
    process.stderr.write(
      `rules: ${network}: Prodigy fused / Adam ${prodigyOverAdam} (fastest calls ${prodigyOverAdamFastest}), plain / Adam ${plainOverAdam}\n`,
    );
    // Whole training steps: train() with Adam and with Prodigy, interleaved epochs.
    const data = syntheticImages(batchSize * 60, 1);
    const hidden = sizes.slice(1, -1);
    const runners = {
      adam: trainStepRunner(data, hidden, batchSize, { make: () => adam() }),
      prodigy: trainStepRunner(data, hidden, batchSize, { make: () => prodigy() }),
    };
    const steps = { adam: [], prodigy: [] };
    for (let r = 0; r <= trainRounds; r++) {
      for (const name of Object.keys(runners)) {
        const stepsPerSecond = await runners[name]();
        if (r > 0) steps[name].push(stepsPerSecond);
      }
    }
    const stepRatio = round(median(steps.adam.map((a, i) => a / steps.prodigy[i])));
    process.stderr.write(`rules: ${network}: train() step, Prodigy / Adam time ${stepRatio}\n`);
    networks.push({
      network,
      parameters,
      rows,
      prodigyOverAdam,
      prodigyOverAdamFastest,
      plainOverAdam,
      trainSteps: {
        batchSize,
        adam: round(median(steps.adam)),
        prodigy: round(median(steps.prodigy)),
        prodigyOverAdam: stepRatio,
      },
    });
  }
  return {
    setup: {
      measure: `Melem/s (parameters updated per µs) over all parameters of each MLP (weights and biases as separate tensors), median of ${rounds} interleaved samples of ≥ ${MIN_SAMPLE_MS} ms; one thread`,
      tfjs: `@tensorflow/tfjs-core ${tf.version_core}; tf.tidy per step, variables assigned, dataSync on the first weight`,
      ratio: `Prodigy / Adam: the median of ${PAIRED_ROUNDS} time ratios of one Prodigy update and the Adam update just before it (dualphi, wasm kernels), and the ratio of the fastest of those calls`,
      trainSteps: `train() steps/s, ${trainRounds} interleaved epochs of 60 steps after one warm-up epoch, synthetic data, per-epoch evaluation excluded`,
    },
    target: 'a Prodigy update costs at most 1.5× an Adam update (issue 10)',
    met: networks.every((n) => n.prodigyOverAdam <= 1.5),
    networks,
  };
}

/** BENCHMARKS.md lines of a recorded `rules` result. */
export function renderRules(r, meta) {
  const lines = ['## Update rules: cost per parameter', '', ...meta(r)];
  lines.push(`${r.setup.measure}. ${r.setup.tfjs}.`, '');
  const cell = (x) => (x === undefined ? '–' : String(x));
  for (const n of r.networks) {
    lines.push(
      `### MLP ${n.network} (${n.parameters.toLocaleString('en-US')} parameters)`,
      '',
      '| rule | dualphi (wasm kernels) | plain TypeScript (reference kernels) | plain JavaScript | tfjs-backend-wasm ops | tfjs-backend-cpu ops |',
      '|---|---|---|---|---|---|',
    );
    for (const row of n.rows) {
      lines.push(
        `| ${row.rule} | ${cell(row.dualphi)} | ${cell(row.plain)} | ${cell(row.js)} | ${cell(row.tfjsWasm)} | ${cell(row.tfjsCpu)} |`,
      );
    }
    lines.push(
      '',
      `Prodigy / Adam, update time: fused ${n.prodigyOverAdam} (fastest calls ${n.prodigyOverAdamFastest}), plain TypeScript ${n.plainOverAdam} (${r.setup.ratio}). train() steps/s at batch ${n.trainSteps.batchSize}: Adam ${n.trainSteps.adam}, Prodigy ${n.trainSteps.prodigy} (Prodigy / Adam step time ${n.trainSteps.prodigyOverAdam}).`,
      '',
    );
  }
  lines.push(`Target: ${r.target} — ${r.met ? '**met**' : '**not met**'}.`, '');
  return lines;
}
