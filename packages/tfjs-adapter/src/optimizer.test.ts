import { golden, OptimizerOptionError } from '@dualphi/optimizer';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from './backends.test-helpers.js';
import { DualProcessOptimizer, dualProcess, isDualProcessOptimizer } from './index.js';

/** apps/docs/theory.md#constants: constant gradient g = 1, w(0) = 0, exact constants. */
const FIVE_STEPS = [
  { delta: -0.0158679247, w: -0.0158679247 },
  { delta: -0.0297369994, w: -0.0456049242 },
  { delta: -0.0418590153, w: -0.0874639394 },
  { delta: -0.0524540456, w: -0.139917985 },
  { delta: -0.0617144416, w: -0.2016324266 },
];

/** max|a − b| relative to the larger vector's max norm (at least 1): f32 rounding, not drift. */
function maxRelativeDifference(a: Float32Array, b: Float32Array): number {
  let scale = 1;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]), Math.abs(b[i]));
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
  }
  return worst / scale;
}

describe.each(BACKENDS)('DualProcessOptimizer on the %s backend', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it('reproduces the five-step vector of apps/docs/theory.md#a-test-vector through applyGradients', async () => {
    const w = tf.variable(tf.zeros([3]), true, `five-${backend}`);
    const optimizer = dualProcess();
    expect(optimizer.learningRate).toBe(golden.learningRate);
    expect(optimizer.momentum).toBe(golden.momentum);
    const g = tf.ones([3]);
    for (const expected of FIVE_STEPS) {
      optimizer.applyGradients([{ name: w.name, tensor: g }]);
      const [iter, delta] = await optimizer.getWeights();
      iter.tensor.dispose();
      expect(delta.name).toBe(`${w.name}/delta`);
      for (const value of w.dataSync()) expect(value).toBeCloseTo(expected.w, 6);
      for (const value of delta.tensor.dataSync()) expect(value).toBeCloseTo(expected.delta, 6);
    }
    expect(optimizer.iterations).toBe(5);
    optimizer.dispose();
    tf.dispose([w, g]);
  });

  it('follows tf.train.momentum step for step at the same constant η and α', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 37 }), { minLength: 1, maxLength: 3 }),
        fc.double({ min: 0.001, max: 0.5, noNaN: true }),
        // 0 or a momentum f32 holds (subnormal f64 values such as 5e-324 vanish in f32 and are
        // refused).
        fc.oneof(fc.constant(0), fc.double({ min: 1e-30, max: 0.99, noNaN: true })),
        fc.integer({ min: 1, max: 1000 }),
        (shape, learningRate, momentum, seed) => {
          const init = tf.randomNormal(shape, 0, 1, 'float32', seed);
          const ours = tf.variable(init, true);
          const theirs = tf.variable(init, true);
          const dual = dualProcess({ learningRate, momentum });
          const reference = tf.train.momentum(learningRate, momentum);
          for (let step = 0; step < 12; step++) {
            const g = tf.randomNormal(shape, 0, 1, 'float32', seed + step + 1);
            dual.applyGradients([{ name: ours.name, tensor: g }]);
            reference.applyGradients([{ name: theirs.name, tensor: g }]);
            g.dispose();
            expect(
              maxRelativeDifference(
                ours.dataSync() as Float32Array,
                theirs.dataSync() as Float32Array,
              ),
            ).toBeLessThan(1e-5);
          }
          dual.dispose();
          reference.dispose();
          tf.dispose([init, ours, theirs]);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('setMomentum and setLearningRate change the next update (delta form)', () => {
    const w = tf.variable(tf.zeros([2]), true);
    const g = tf.ones([2]);
    const optimizer = dualProcess({ learningRate: 0.1, momentum: 0.5 });
    optimizer.applyGradients([{ name: w.name, tensor: g }]); // Δw = −0.1, w = −0.1
    optimizer.setMomentum(0.25);
    optimizer.applyGradients([{ name: w.name, tensor: g }]); // Δw = 0.25·(−0.1) − 0.1 = −0.125
    expect(w.dataSync()[0]).toBeCloseTo(-0.225, 6);
    optimizer.setLearningRate(0.2);
    optimizer.applyGradients([{ name: w.name, tensor: g }]); // Δw = 0.25·(−0.125) − 0.2 = −0.23125
    expect(w.dataSync()[0]).toBeCloseTo(-0.45625, 6);
    expect(optimizer.getConfig()).toEqual({ learningRate: 0.2, momentum: 0.25 });
    optimizer.dispose();
    tf.dispose([w, g]);
  });

  it('does not grow tf.memory().numTensors over 500 steps and returns to the start after dispose()', () => {
    const variables = [
      tf.variable(tf.randomNormal([7, 5]), true),
      tf.variable(tf.zeros([5]), true),
    ];
    const start = tf.memory().numTensors;
    const optimizer = dualProcess({ telemetry: true });
    let afterFirst = 0;
    for (let step = 0; step < 500; step++) {
      // Inside a tidy, as tfjs-layers' fit calls it: the kept telemetry sums must survive it.
      tf.tidy(() =>
        optimizer.applyGradients(variables.map((v) => ({ name: v.name, tensor: tf.onesLike(v) }))),
      );
      if (step % 50 === 0)
        expect(optimizer.lastStepTelemetry()?.overall.gradientNorm).toBeGreaterThan(0);
      if (step === 0) afterFirst = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors).toBe(afterFirst);
    optimizer.setMomentum(0.5);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose(variables);
  });

  it('computes the process balance of a step (apps/docs/theory.md#process-balance)', () => {
    const w = tf.variable(tf.zeros([2]), true);
    const optimizer = dualProcess({ learningRate: 0.1, momentum: 0.5, telemetry: true });
    const g1 = tf.tensor1d([3, 4]);
    optimizer.applyGradients([{ name: w.name, tensor: g1 }]);
    const first = optimizer.lastStepTelemetry();
    // Δw(0) = 0: all gradient, no momentum.
    expect(first?.overall.gradientNorm).toBeCloseTo(0.5, 6);
    expect(first?.overall.momentumNorm).toBe(0);
    expect(first?.overall.angleDegrees).toBe(0);
    expect(first?.overall.cosine).toBe(0);
    // Δw(1) = (−0.3, −0.4); M = 0.5·Δw(1) = (−0.15, −0.2); G = −0.1·(−4, 3) = (0.4, −0.3).
    const g2 = tf.tensor1d([-4, 3]);
    optimizer.applyGradients([{ name: w.name, tensor: g2 }]);
    const second = optimizer.lastStepTelemetry();
    expect(second?.overall.gradientNorm).toBeCloseTo(0.5, 6);
    expect(second?.overall.momentumNorm).toBeCloseTo(0.25, 6);
    expect(second?.overall.angleDegrees).toBeCloseTo((Math.atan2(0.25, 0.5) * 180) / Math.PI, 4);
    expect(second?.overall.cosine).toBeCloseTo((0.4 * -0.15 + -0.3 * -0.2) / (0.5 * 0.25), 6);
    expect(second?.perTensor.get(w.name)?.angleDegrees).toBeCloseTo(
      (Math.atan2(0.25, 0.5) * 180) / Math.PI,
      4,
    );
    optimizer.telemetry = false;
    optimizer.applyGradients([{ name: w.name, tensor: g2 }]);
    expect(optimizer.lastStepTelemetry()).toBeUndefined();
    optimizer.dispose();
    tf.dispose([w, g1, g2]);
  });

  it('saves its state in the documented order and restores it by variable name', async () => {
    const a = tf.variable(tf.zeros([2, 3]), true, `layer/kernel-${backend}`);
    const b = tf.variable(tf.zeros([3]), true, `layer/bias-${backend}`);
    const original = dualProcess();
    const ga = tf.ones([2, 3]);
    const gb = tf.fill([3], 2);
    original.applyGradients([
      { name: a.name, tensor: ga },
      { name: b.name, tensor: gb },
    ]);
    const saved = await original.getWeights();
    expect(saved.map((w) => w.name)).toEqual(['iter', `${a.name}/delta`, `${b.name}/delta`]);
    expect(saved[0].tensor.dtype).toBe('int32');
    // Restore in the reverse order: slots follow names, not positions.
    const restored = dualProcess();
    await restored.setWeights([saved[0], saved[2], saved[1]]);
    expect(restored.iterations).toBe(1);
    const copyA = tf.variable(a, true);
    const copyB = tf.variable(b, true);
    // The copies carry other names (`Variable<n>`), so rename the saved slots to them.
    const renamed = dualProcess();
    await renamed.setWeights([
      saved[0],
      { name: `${copyB.name}/delta`, tensor: saved[2].tensor },
      { name: `${copyA.name}/delta`, tensor: saved[1].tensor },
    ]);
    // getWeights returns the live slots: the next step changes them, the restored copies not.
    original.applyGradients([
      { name: a.name, tensor: ga },
      { name: b.name, tensor: gb },
    ]);
    renamed.applyGradients([
      { name: copyA.name, tensor: ga },
      { name: copyB.name, tensor: gb },
    ]);
    expect(Array.from(copyA.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(Array.from(copyB.dataSync())).toEqual(Array.from(b.dataSync()));
    saved[0].tensor.dispose();
    for (const o of [original, restored, renamed]) o.dispose();
    tf.dispose([a, b, copyA, copyB, ga, gb]);
  });
});

describe('DualProcessOptimizer state restore edge cases', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('matches a slot saved as "x/kernel" to the variable "x/kernel_1" (tfjs-layers uniqueness suffix)', async () => {
    const w = tf.variable(tf.zeros([2]), true, 'suffixed/kernel_1');
    const optimizer = dualProcess({ learningRate: 0.1, momentum: 0.5 });
    const delta = tf.tensor1d([1, 2]);
    const iter = tf.scalar(3, 'int32');
    await optimizer.setWeights([
      { name: 'iter', tensor: iter },
      { name: 'suffixed/kernel/delta', tensor: delta },
    ]);
    tf.dispose([iter, delta]);
    const g = tf.zeros([2]);
    optimizer.applyGradients([{ name: w.name, tensor: g }]);
    expect(Array.from(w.dataSync())).toEqual([0.5, 1]);
    expect(optimizer.iterations).toBe(4);
    optimizer.dispose();
    tf.dispose([w, g]);
  });

  it('rejects a restored slot of the wrong shape and a weight that is not a delta slot', async () => {
    const w = tf.variable(tf.zeros([2]), true, 'shape-check/w');
    const optimizer = dualProcess();
    const iter = tf.scalar(0, 'int32');
    const wrong = tf.zeros([3]);
    await optimizer.setWeights([
      { name: 'iter', tensor: iter },
      { name: 'shape-check/w/delta', tensor: wrong },
    ]);
    const g = tf.zeros([2]);
    expect(() => optimizer.applyGradients([{ name: w.name, tensor: g }])).toThrow(
      /restored slot "shape-check\/w\/delta" has shape \[3\] but variable "shape-check\/w" has shape \[2\]/,
    );
    await expect(
      optimizer.setWeights([
        { name: 'iter', tensor: iter },
        { name: 'shape-check/w/momentum', tensor: wrong },
      ]),
    ).rejects.toThrow(/weight "shape-check\/w\/momentum" is not a delta slot/);
    await expect(optimizer.setWeights([])).rejects.toThrow(/empty list/);
    optimizer.dispose();
    tf.dispose([w, g, iter, wrong]);
  });

  it('leaves its state as it was when setWeights rejects the list', async () => {
    const w = tf.variable(tf.zeros([2]), true, 'keep-state/w');
    const optimizer = dualProcess({ learningRate: 0.5, momentum: 0.5 });
    const g = tf.ones([2]);
    optimizer.applyGradients([{ name: w.name, tensor: g }]); // Δw = [−0.5, −0.5]
    const iter = tf.scalar(7, 'int32');
    const other = tf.tensor1d([10, 10]);
    await expect(
      optimizer.setWeights([
        { name: 'iter', tensor: iter },
        { name: 'keep-state/w/delta', tensor: other },
        { name: 'keep-state/w/delta', tensor: other },
      ]),
    ).rejects.toThrow(/slot "keep-state\/w\/delta" appears twice/);
    await expect(
      optimizer.setWeights([
        { name: 'iter', tensor: iter },
        { name: 'keep-state/w/momentum', tensor: other },
      ]),
    ).rejects.toThrow(/is not a delta slot/);
    expect(optimizer.iterations).toBe(1);
    // Δw = 0.5·(−0.5) − 0.5·1 = −0.75 from the kept slot; w = −0.5 − 0.75.
    optimizer.applyGradients([{ name: w.name, tensor: g }]);
    expect(Array.from(w.dataSync())).toEqual([-1.25, -1.25]);
    expect(optimizer.iterations).toBe(2);
    optimizer.dispose();
    tf.dispose([w, g, iter, other]);
  });

  it('round-trips setWeights(await getWeights()): the live slots it returns are copied before they are replaced', async () => {
    const w = tf.variable(tf.zeros([2]), true, 'round-trip/w');
    const twin = tf.variable(tf.zeros([2]), true, 'round-trip/twin');
    const optimizer = dualProcess({ learningRate: 0.5, momentum: 0.5 });
    const reference = dualProcess({ learningRate: 0.5, momentum: 0.5 });
    const g = tf.tensor1d([1, -2]);
    optimizer.applyGradients([{ name: w.name, tensor: g }]);
    reference.applyGradients([{ name: twin.name, tensor: g }]);
    const weights = await optimizer.getWeights();
    await optimizer.setWeights(weights); // used to throw inside tfjs and wipe every slot
    weights[0].tensor.dispose();
    expect(optimizer.iterations).toBe(1);
    const [iter, delta] = await optimizer.getWeights();
    expect(delta.name).toBe('round-trip/w/delta');
    expect(Array.from(delta.tensor.dataSync())).toEqual([-0.5, 1]);
    iter.tensor.dispose();
    optimizer.applyGradients([{ name: w.name, tensor: g }]);
    reference.applyGradients([{ name: twin.name, tensor: g }]);
    expect(Array.from(w.dataSync())).toEqual(Array.from(twin.dataSync()));
    expect(optimizer.iterations).toBe(2);
    optimizer.dispose();
    reference.dispose();
    tf.dispose([w, twin, g]);
  });

  it('refuses a list without the leading iter, with unknown names or missing slots, and keeps its state', async () => {
    const a = tf.variable(tf.zeros([2]), true, 'refuse/a');
    const b = tf.variable(tf.zeros([3]), true, 'refuse/b');
    const optimizer = dualProcess({ learningRate: 0.5, momentum: 0.5 });
    const ga = tf.ones([2]);
    const gb = tf.ones([3]);
    optimizer.applyGradients([
      { name: a.name, tensor: ga },
      { name: b.name, tensor: gb },
    ]); // Δa = [−0.5, −0.5], Δb = [−0.5, −0.5, −0.5]
    const iter = tf.scalar(7, 'int32');
    const da = tf.tensor1d([10, 10]);
    const db = tf.tensor1d([10, 10, 10]);
    const cases: [unknown, ErrorConstructor, RegExp][] = [
      [
        [
          { name: 'refuse/a/delta', tensor: da },
          { name: 'refuse/b/delta', tensor: db },
        ],
        RangeError,
        /must start with the iteration count "iter".*got "refuse\/a\/delta"/,
      ],
      [
        [
          { name: 'iter', tensor: da },
          { name: 'refuse/b/delta', tensor: db },
        ],
        RangeError,
        /must start with the iteration count "iter" \(a scalar.*shape \[2\]/,
      ],
      [
        [
          { name: 'iter', tensor: tf.scalar(-1, 'int32') },
          { name: 'refuse/a/delta', tensor: da },
          { name: 'refuse/b/delta', tensor: db },
        ],
        RangeError,
        /"iter" must be an integer ≥ 0, got -1/,
      ],
      [
        [
          { name: 'iter', tensor: iter },
          { name: 'refuse/a/delta', tensor: da },
          { name: 'refuse/b/delta', tensor: db },
          { name: 'refuse/a/velocity', tensor: da },
        ],
        RangeError,
        /weight "refuse\/a\/velocity" is not a delta slot/,
      ],
      [
        [
          { name: 'iter', tensor: iter },
          { name: 'refuse/a/delta', tensor: da },
        ],
        RangeError,
        /lacks the slots of variables in use: "refuse\/b\/delta"/,
      ],
      [
        [
          { name: 'iter', tensor: iter },
          { name: 'refuse/a/delta', tensor: db },
          { name: 'refuse/b/delta', tensor: db },
        ],
        RangeError,
        /slot "refuse\/a\/delta" has shape \[3\] but the variable's current slot has shape \[2\]/,
      ],
      [null, TypeError, /expected an array/],
      [[{ name: 'iter' }], TypeError, /entry 0 must be \{ name: string, tensor: tf.Tensor \}/],
      [[{ name: 'iter', tensor: iter }, 'refuse/a/delta'], TypeError, /entry 1 must be/],
    ];
    for (const [list, type, message] of cases) {
      const call = optimizer.setWeights(list as never);
      await expect(call).rejects.toThrow(type);
      await expect(call).rejects.toThrow(message);
    }
    const disposed = tf.tensor1d([1, 1]);
    disposed.dispose();
    await expect(
      optimizer.setWeights([
        { name: 'iter', tensor: iter },
        { name: 'refuse/a/delta', tensor: disposed },
        { name: 'refuse/b/delta', tensor: db },
      ]),
    ).rejects.toThrow(/the tensor of "refuse\/a\/delta" \(entry 1\) has been disposed/);
    // Nothing changed: the iteration count and both slots are as the one step left them.
    expect(optimizer.iterations).toBe(1);
    optimizer.applyGradients([
      { name: a.name, tensor: ga },
      { name: b.name, tensor: gb },
    ]); // Δ = 0.5·(−0.5) − 0.5·1 = −0.75
    expect(Array.from(a.dataSync())).toEqual([-1.25, -1.25]);
    expect(Array.from(b.dataSync())).toEqual([-1.25, -1.25, -1.25]);
    optimizer.dispose();
    tf.dispose([a, b, ga, gb, iter, da, db]);
  });

  it('rejects a gradient for an unknown variable or of the wrong shape', () => {
    const w = tf.variable(tf.zeros([2]), true, 'grad-check/w');
    const optimizer = dualProcess();
    const g = tf.zeros([3]);
    expect(() => optimizer.applyGradients([{ name: 'nope', tensor: g }])).toThrow(
      /no variable named "nope"/,
    );
    expect(() => optimizer.applyGradients({ [w.name]: g })).toThrow(
      /gradient of "grad-check\/w" has shape \[3\] but the variable has shape \[2\]/,
    );
    optimizer.dispose();
    tf.dispose([w, g]);
  });
});

describe('dualProcess options', () => {
  it('uses the golden constants, the rounded ones, or overrides', () => {
    expect(dualProcess({ rounded: true }).momentum).toBe(0.874);
    expect(dualProcess({ rounded: true }).learningRate).toBe(0.016);
    const custom = dualProcess({ learningRate: 0.05, rounded: true });
    expect([custom.learningRate, custom.momentum]).toEqual([0.05, 0.874]);
  });

  it('validates with the messages of @dualphi/optimizer', () => {
    expect(() => dualProcess({ momentum: 1.2 })).toThrow(OptimizerOptionError);
    expect(() => dualProcess({ momentum: 1.2 })).toThrow(
      'dualProcess: "momentum" must be in [0, 1), got 1.2',
    );
    expect(() => dualProcess({ learningRate: Number.NaN })).toThrow(
      'dualProcess: "learningRate" must be a finite number > 0, got NaN',
    );
    expect(() => dualProcess({ nesterov: true } as never)).toThrow(
      /"nesterov" is not an option of dualProcess/,
    );
    const optimizer = dualProcess();
    expect(() => optimizer.setMomentum(-0.1)).toThrow('"momentum" must be in [0, 1), got -0.1');
    expect(() => optimizer.setLearningRate(0)).toThrow(
      '"learningRate" must be a finite number > 0',
    );
    expect(optimizer.momentum).toBe(golden.momentum);
  });

  it("differs from tf.train.momentum's two defects that the README names", () => {
    // tfjs 4.22: setMomentum changes the config only, and dispose() leaks one tensor.
    const start = tf.memory().numTensors;
    const w = tf.tidy(() => tf.variable(tf.zeros([1]), true));
    const g = tf.ones([1]);
    const theirs = tf.train.momentum(0.1, 0.5);
    theirs.applyGradients([{ name: w.name, tensor: g }]); // a = 1, w = −0.1
    theirs.setMomentum(0);
    theirs.applyGradients([{ name: w.name, tensor: g }]); // still a = 0.5·1 + 1: w = −0.25
    expect(w.dataSync()[0]).toBeCloseTo(-0.25, 6);
    theirs.dispose();
    tf.dispose([w, g]);
    expect(tf.memory().numTensors).toBe(start + 1);
  });

  it('is registered for tfjs serialization under "DualProcess" and round-trips its config', () => {
    const registered = tf.serialization.SerializationMap.getMap().classNameMap.DualProcess;
    expect(registered?.[0]).toBe(DualProcessOptimizer);
    const optimizer = dualProcess({ learningRate: 0.03, momentum: 0.8 });
    expect(optimizer.getClassName()).toBe('DualProcess');
    const copy = DualProcessOptimizer.fromConfig(
      DualProcessOptimizer,
      optimizer.getConfig(),
    ) as DualProcessOptimizer;
    expect([copy.learningRate, copy.momentum]).toEqual([0.03, 0.8]);
    expect(isDualProcessOptimizer(copy)).toBe(true);
    // tfjs makes `instanceof` duck-typed for every optimizer class; the brand check is not.
    expect(isDualProcessOptimizer(tf.train.momentum(0.1, 0.9))).toBe(false);
  });
});

afterAll(async () => {
  await useBackend('cpu');
});
