import { type F32Buffer, type Kernels, loadKernels } from '@dualphi/core-wasm';
import { createReferenceKernels } from '@dualphi/core-wasm/reference';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { golden } from '../theory/golden.js';
import {
  adam,
  adamw,
  disposeOptimizerState,
  dualProcess,
  momentum,
  type Optimizer,
  OptimizerOptionError,
  optimizerFromConfig,
  type ParameterTensor,
  restoreOptimizerState,
  serializeOptimizerState,
  sgd,
} from './index.js';

/** apps/docs/theory.md#constants: Δw(t) and w(t) for g = 1, w(0) = 0, the exact constants. */
const TEST_VECTOR = [
  [-0.0158679247, -0.0158679247],
  [-0.0297369994, -0.0456049242],
  [-0.0418590153, -0.0874639394],
  [-0.0524540456, -0.139917985],
  [-0.0617144416, -0.2016324266],
] as const;

/** Relative-or-absolute closeness for f32 results compared with f64 ones. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    const scale = Math.max(1, Math.abs(expected[i]));
    if (error > tolerance * scale) {
      throw new Error(
        `element ${i}: ${actual[i]} vs ${expected[i]} (error ${error} > ${tolerance})`,
      );
    }
  }
}

/** The TypeScript reference kernels (a fresh set each time) and one shared wasm SIMD instance. */
const wasm = await loadKernels();
const kernelSets: [string, () => Kernels][] = [
  ['reference', () => createReferenceKernels()],
  ['wasm-simd', () => wasm],
];

/** Every optimizer with non-default settings, so each hyper-parameter is exercised. */
const optimizers: [string, () => Optimizer][] = [
  ['dualProcess', () => dualProcess()],
  ['dualProcess rounded', () => dualProcess({ rounded: true })],
  ['sgd', () => sgd({ learningRate: 0.05 })],
  ['momentum', () => momentum({ learningRate: 0.02, momentum: 0.9 })],
  ['momentum nesterov', () => momentum({ learningRate: 0.02, momentum: 0.8, nesterov: true })],
  ['momentum telemetry', () => momentum({ learningRate: 0.02, momentum: 0.9, telemetry: true })],
  [
    'momentum nesterov telemetry',
    () => momentum({ learningRate: 0.02, momentum: 0.8, nesterov: true, telemetry: true }),
  ],
  ['adam', () => adam({ learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 })],
  ['adamw', () => adamw({ learningRate: 0.01, weightDecay: 0.1 })],
];

describe.each(kernelSets)('optimizers on %s kernels', (_, makeKernels) => {
  describe('dualProcess: the test vector of apps/docs/theory.md#a-test-vector', () => {
    it('f64 reference path (updateArrays) matches the five steps to 1e-9', () => {
      const optimizer = dualProcess();
      const w = new Float64Array(1);
      const parameters = [{ name: 'w', value: w }];
      const state = optimizer.initArrays(parameters);
      for (const [delta, weight] of TEST_VECTOR) {
        optimizer.updateArrays(parameters, [[1]], state);
        expect(Math.abs((state.slots.get('w/delta') as Float64Array)[0] - delta)).toBeLessThan(
          1e-9,
        );
        expect(Math.abs(w[0] - weight)).toBeLessThan(1e-9);
      }
      expect(state.step).toBe(5);
    });

    it('f64 path: Δw converges to −η/(1 − α) ≈ −0.1259679511', () => {
      const optimizer = dualProcess();
      const parameters = [{ name: 'w', value: new Float64Array(1) }];
      const state = optimizer.initArrays(parameters);
      for (let t = 0; t < 400; t++) optimizer.updateArrays(parameters, [[1]], state);
      const delta = (state.slots.get('w/delta') as Float64Array)[0];
      expect(Math.abs(delta - -0.1259679511)).toBeLessThan(1e-9);
      expect(delta).toBeCloseTo(-golden.learningRate / (1 - golden.momentum), 12);
    });

    it('kernel path (f32) matches the five steps to f32 tolerance (1e-7 absolute)', () => {
      const kernels = makeKernels();
      const optimizer = dualProcess();
      const parameters = [{ name: 'w', value: kernels.alloc(1) }];
      const gradient = kernels.allocFrom([1]);
      const state = optimizer.init(kernels, parameters);
      for (const [delta, weight] of TEST_VECTOR) {
        optimizer.update(kernels, parameters, [gradient], state);
        expect(Math.abs((state.slots.get('w/delta') as F32Buffer).view[0] - delta)).toBeLessThan(
          1e-7,
        );
        expect(Math.abs(parameters[0].value.view[0] - weight)).toBeLessThan(1e-7);
      }
    });
  });

  describe.each(optimizers)('%s: kernel path against the f64 reference', (_, make) => {
    it('agrees over random shapes and several steps (f32 tolerance 1e-5 relative)', () => {
      fc.assert(
        fc.property(
          fc.array(fc.constantFrom(1, 2, 3, 5, 7, 8, 9, 31, 33, 127), {
            minLength: 1,
            maxLength: 3,
          }),
          fc.integer({ min: 1, max: 6 }),
          fc.integer({ min: 0, max: 2 ** 31 - 1 }),
          (sizes, steps, seed) => {
            const kernels = makeKernels();
            const optimizer = make();
            const random = mulberry32(seed);
            const initial = sizes.map((n) => Array.from({ length: n }, () => random() * 2 - 1));
            const parameters = initial.map((values, i) => ({
              name: `p${i}`,
              value: kernels.allocFrom(values),
            }));
            const arrays = initial.map((values, i) => ({
              name: `p${i}`,
              value: Float64Array.from(new Float32Array(values)),
            }));
            const state = optimizer.init(kernels, parameters);
            const arrayState = optimizer.initArrays(arrays);
            for (let step = 0; step < steps; step++) {
              const gradients = sizes.map((n) =>
                Array.from({ length: n }, () => Math.fround(random() * 2 - 1)),
              );
              const buffers = gradients.map((g) => kernels.allocFrom(g));
              const telemetry = optimizer.update(kernels, parameters, buffers, state);
              const reference = optimizer.updateArrays(arrays, gradients, arrayState);
              expect(telemetry === undefined).toBe(reference === undefined);
              if (telemetry && reference) {
                expect(telemetry.overall.gradientNorm).toBeCloseTo(
                  reference.overall.gradientNorm,
                  5,
                );
                expect(telemetry.overall.momentumNorm).toBeCloseTo(
                  reference.overall.momentumNorm,
                  5,
                );
                expect(telemetry.overall.cosine).toBeCloseTo(reference.overall.cosine, 4);
              }
              for (const b of buffers) b.free();
            }
            parameters.forEach((p, i) => {
              expectClose(p.value.view, arrays[i].value, 1e-5);
            });
            for (const [key, slot] of state.slots) {
              expectClose(slot.view, arrayState.slots.get(key) as Float64Array, 1e-5);
            }
            expect(state.step).toBe(steps);
            for (const p of parameters) p.value.free();
            disposeOptimizerState(state);
          },
        ),
        { numRuns: 25 },
      );
    });

    it('round-trips its config and its state', () => {
      const kernels = makeKernels();
      const optimizer = make();
      const rebuilt = optimizerFromConfig(JSON.parse(JSON.stringify(optimizer.toConfig())));
      expect(rebuilt.name).toBe(optimizer.name);
      expect(rebuilt.hyperParameters).toEqual(optimizer.hyperParameters);

      const weights = [0.5, -0.25, 1, 2, -3];
      const a = [{ name: 'x', value: kernels.allocFrom(weights) }];
      const b = [{ name: 'x', value: kernels.allocFrom(weights) }];
      const stateA = optimizer.init(kernels, a);
      const gradients = [0.1, -0.2, 0.3, -0.4, 0.5].map((g) => kernels.allocFrom([g, g, -g, g, 1]));
      optimizer.update(kernels, a, [gradients[0]], stateA);
      optimizer.update(kernels, a, [gradients[1]], stateA);
      b[0].value.view.set(a[0].value.view);

      // Serialise, restore in a different kernel set, and continue both: same weights.
      const serialized = serializeOptimizerState(stateA);
      expect(serialized.step).toBe(2);
      const otherKernels = makeKernels();
      const c = [{ name: 'x', value: otherKernels.allocFrom(a[0].value.view) }];
      const stateC = restoreOptimizerState(otherKernels, structuredClone(serialized));
      for (const g of gradients.slice(2)) {
        optimizer.update(kernels, a, [g], stateA);
        rebuilt.update(otherKernels, c, [otherKernels.allocFrom(g.view)], stateC);
      }
      expect(Array.from(c[0].value.view)).toEqual(Array.from(a[0].value.view));
      expect(stateC.step).toBe(5);
      disposeOptimizerState(stateC);
      expect(stateC.slots.size).toBe(0);
    });
  });

  it('dualProcess equals momentum with the same constant η and α, step for step (f32, 1e-6)', () => {
    const kernels = makeKernels();
    const random = mulberry32(7);
    const n = 37;
    const initial = Array.from({ length: n }, () => random() - 0.5);
    const dual = dualProcess({ learningRate: 0.05, momentum: 0.874 });
    const heavy = momentum({ learningRate: 0.05, momentum: 0.874 });
    const p = [{ name: 'w', value: kernels.allocFrom(initial) }];
    const q = [{ name: 'w', value: kernels.allocFrom(initial) }];
    const sp = dual.init(kernels, p);
    const sq = heavy.init(kernels, q);
    for (let step = 0; step < 50; step++) {
      const g = kernels.allocFrom(Array.from({ length: n }, () => random() * 2 - 1));
      dual.update(kernels, p, [g], sp);
      heavy.update(kernels, q, [g], sq);
      expectClose(p[0].value.view, q[0].value.view, 1e-6);
      // Δw = −η·v (apps/docs/theory.md#constants).
      const delta = (sp.slots.get('w/delta') as F32Buffer).view;
      const velocity = (sq.slots.get('w/velocity') as F32Buffer).view;
      expectClose(
        delta,
        Array.from(velocity, (v) => -0.05 * v),
        1e-6,
      );
      g.free();
    }
  });

  it('…and in f64 the two conventions agree to 1e-12 with constant η, but not once η changes', () => {
    const dual = dualProcess({ learningRate: 0.05, momentum: 0.9 });
    const heavy = momentum({ learningRate: 0.05, momentum: 0.9 });
    const p = [{ name: 'w', value: new Float64Array(3) }];
    const q = [{ name: 'w', value: new Float64Array(3) }];
    const sp = dual.initArrays(p);
    const sq = heavy.initArrays(q);
    for (let step = 0; step < 20; step++) {
      dual.updateArrays(p, [[1, -2, 0.5]], sp);
      heavy.updateArrays(q, [[1, -2, 0.5]], sq);
    }
    expectClose(p[0].value, q[0].value, 1e-12);
    dual.set('learningRate', 0.01);
    heavy.set('learningRate', 0.01);
    dual.updateArrays(p, [[1, -2, 0.5]], sp);
    heavy.updateArrays(q, [[1, -2, 0.5]], sq);
    expect(Math.abs(p[0].value[0] - q[0].value[0])).toBeGreaterThan(1e-3);
  });

  describe('process-balance telemetry (apps/docs/theory.md#process-balance)', () => {
    function twoSteps(secondGradient: (first: number[]) => number[][]) {
      const kernels = makeKernels();
      const optimizer = dualProcess();
      const first = [
        [3, 4],
        [1, -2, 2],
      ];
      const parameters: ParameterTensor[] = [
        { name: 'a', value: kernels.alloc(2) },
        { name: 'b', value: kernels.alloc(3) },
      ];
      const state = optimizer.init(kernels, parameters);
      const t1 = optimizer.update(
        kernels,
        parameters,
        first.map((g) => kernels.allocFrom(g)),
        state,
      );
      const second = secondGradient(first.flat());
      const t2 = optimizer.update(
        kernels,
        parameters,
        second.map((g) => kernels.allocFrom(g)),
        state,
      );
      return { t1, t2 };
    }
    const alpha = golden.momentum;
    const eta = golden.learningRate;

    it('first step: no momentum term, angle 0, cosine 0', () => {
      const { t1 } = twoSteps((f) => [f.slice(0, 2), f.slice(2)]);
      expect(t1?.overall.momentumNorm).toBe(0);
      expect(t1?.overall.angleDegrees).toBe(0);
      expect(t1?.overall.cosine).toBe(0);
      expect(t1?.overall.gradientNorm).toBeCloseTo(eta * Math.sqrt(25 + 9), 6);
      expect(t1?.perTensor.get('a')?.gradientNorm).toBeCloseTo(eta * 5, 6);
    });

    it('‖G‖ = ‖M‖ pulling the same way: angle 45°, cosine 1, per tensor and overall', () => {
      // G(2) = −η·g(2), M(2) = α·Δw(1) = −α·η·g(1): equal when g(2) = α·g(1).
      const { t2 } = twoSteps((f) => [
        f.slice(0, 2).map((g) => alpha * g),
        f.slice(2).map((g) => alpha * g),
      ]);
      expect(t2?.overall.angleDegrees).toBeCloseTo(45, 4);
      expect(t2?.overall.cosine).toBeCloseTo(1, 5);
      for (const name of ['a', 'b']) {
        expect(t2?.perTensor.get(name)?.angleDegrees).toBeCloseTo(45, 4);
        expect(t2?.perTensor.get(name)?.cosine).toBeCloseTo(1, 5);
      }
    });

    it('opposite directions: angle 45°, cosine −1; orthogonal: cosine 0', () => {
      const { t2 } = twoSteps((f) => [
        f.slice(0, 2).map((g) => -alpha * g),
        f.slice(2).map((g) => -alpha * g),
      ]);
      expect(t2?.overall.angleDegrees).toBeCloseTo(45, 4);
      expect(t2?.overall.cosine).toBeCloseTo(-1, 5);
      // (3, 4) ⟂ (−4, 3); (1, −2, 2) ⟂ (2, 1, 0) — scaled to ‖·‖ = α‖g(1)‖ per tensor.
      const { t2: orthogonal } = twoSteps(() => [
        [-4 * alpha, 3 * alpha],
        [2, 1, 0].map((x) => (x * alpha * 3) / Math.sqrt(5)),
      ]);
      expect(orthogonal?.overall.cosine).toBeCloseTo(0, 5);
      expect(orthogonal?.overall.angleDegrees).toBeCloseTo(45, 4);
    });

    it('a larger gradient tilts the angle below 45°, and telemetry: false returns nothing', () => {
      const { t2 } = twoSteps((f) => [
        f.slice(0, 2).map((g) => 3 * g),
        f.slice(2).map((g) => 3 * g),
      ]);
      expect(t2?.overall.angleDegrees).toBeCloseTo((Math.atan2(alpha, 3) * 180) / Math.PI, 4);
      const kernels = makeKernels();
      const quiet = dualProcess({ telemetry: false });
      const parameters = [{ name: 'w', value: kernels.alloc(2) }];
      const state = quiet.init(kernels, parameters);
      expect(quiet.update(kernels, parameters, [kernels.allocFrom([1, 1])], state)).toBeUndefined();
    });
  });

  describe('momentum telemetry in the delta-form reading (apps/docs/theory.md#process-balance)', () => {
    it('equals dualProcess telemetry with the same constant η and α (f64 exactly, kernels in f32)', () => {
      const dual = dualProcess({ learningRate: 0.03, momentum: 0.874 });
      const heavy = momentum({ learningRate: 0.03, momentum: 0.874, telemetry: true });
      const kernels = makeKernels();
      const random = mulberry32(11);
      const p = [{ name: 'w', value: new Float64Array(9) }];
      const q = [{ name: 'w', value: new Float64Array(9) }];
      const kp = [{ name: 'w', value: kernels.alloc(9) }];
      const kq = [{ name: 'w', value: kernels.alloc(9) }];
      const [sp, sq] = [dual.initArrays(p), heavy.initArrays(q)];
      const [ksp, ksq] = [dual.init(kernels, kp), heavy.init(kernels, kq)];
      for (let step = 0; step < 12; step++) {
        const g = Array.from({ length: 9 }, () => Math.fround(random() * 2 - 1));
        const a = dual.updateArrays(p, [g], sp)?.overall;
        const b = heavy.updateArrays(q, [g], sq)?.overall;
        expect(b?.gradientNorm).toBeCloseTo(a?.gradientNorm ?? Number.NaN, 12);
        expect(b?.momentumNorm).toBeCloseTo(a?.momentumNorm ?? Number.NaN, 12);
        expect(b?.cosine).toBeCloseTo(a?.cosine ?? Number.NaN, 10);
        const gradient = kernels.allocFrom(g);
        const c = dual.update(kernels, kp, [gradient], ksp)?.overall;
        const d = heavy.update(kernels, kq, [gradient], ksq)?.overall;
        expect(d?.angleDegrees).toBeCloseTo(c?.angleDegrees ?? Number.NaN, 4);
        expect(d?.cosine).toBeCloseTo(c?.cosine ?? Number.NaN, 5);
        gradient.free();
      }
    });

    it('G + M is the step actually taken, with and without Nesterov (f64)', () => {
      for (const nesterov of [false, true]) {
        const optimizer = momentum({ learningRate: 0.1, momentum: 0.7, nesterov, telemetry: true });
        const w = new Float64Array(4);
        const parameters = [{ name: 'w', value: w }];
        const state = optimizer.initArrays(parameters);
        const random = mulberry32(nesterov ? 1 : 2);
        for (let step = 0; step < 6; step++) {
          const before = Float64Array.from(w);
          const terms = optimizer.updateArrays(
            parameters,
            [[1, -2, 3, -4].map((x) => x * random())],
            state,
          )?.overall;
          if (!terms) throw new Error('telemetry expected');
          const stepSquared = w.reduce((sum, x, i) => sum + (x - before[i]) ** 2, 0);
          const { gradientNorm: g, momentumNorm: m, cosine } = terms;
          expect(g * g + m * m + 2 * g * m * cosine).toBeCloseTo(stepSquared, 12);
        }
      }
    });

    it('is off by default', () => {
      const optimizer = momentum({ learningRate: 0.1, momentum: 0.9 });
      expect(optimizer.hyperParameters.telemetry).toBe(false);
      const parameters = [{ name: 'w', value: new Float64Array(1) }];
      expect(
        optimizer.updateArrays(parameters, [[1]], optimizer.initArrays(parameters)),
      ).toBeUndefined();
    });
  });

  it('sgd: w ← w − η·g, on the kernels and in f64', () => {
    const kernels = makeKernels();
    const optimizer = sgd({ learningRate: 0.5 });
    const parameters = [{ name: 'w', value: kernels.allocFrom([1, -2, 0.25]) }];
    const state = optimizer.init(kernels, parameters);
    optimizer.update(kernels, parameters, [kernels.allocFrom([2, 1, -0.5])], state);
    optimizer.update(kernels, parameters, [kernels.allocFrom([2, 1, -0.5])], state);
    expect(Array.from(parameters[0].value.view)).toEqual([-1, -3, 0.75]);
    const arrays = [{ name: 'w', value: Float64Array.from([1, -2, 0.25]) }];
    const arrayState = optimizer.initArrays(arrays);
    optimizer.updateArrays(arrays, [[2, 1, -0.5]], arrayState);
    expect(Array.from(arrays[0].value)).toEqual([0, -2.5, 0.5]);
  });

  describe('set()', () => {
    it('the value set is the one the next update uses', () => {
      const kernels = makeKernels();
      const optimizer = dualProcess();
      const parameters = [{ name: 'w', value: kernels.alloc(1) }];
      const gradient = kernels.allocFrom([1]);
      const state = optimizer.init(kernels, parameters);
      optimizer.set('learningRate', 0.5);
      expect(optimizer.hyperParameters.learningRate).toBe(0.5);
      optimizer.update(kernels, parameters, [gradient], state);
      expect(parameters[0].value.view[0]).toBeCloseTo(-0.5, 7);
      optimizer.set('momentum', 0);
      optimizer.set('learningRate', 0.25);
      optimizer.update(kernels, parameters, [gradient], state);
      expect(parameters[0].value.view[0]).toBeCloseTo(-0.75, 7);
      expect(optimizer.toConfig().hyperParameters).toMatchObject({
        learningRate: 0.25,
        momentum: 0,
      });
    });

    it('rejects bad values and unknown names and keeps the old value', () => {
      const optimizer = adam();
      expect(() => optimizer.set('beta1', 1)).toThrow('adam: "beta1" must be in [0, 1), got 1');
      expect(() => optimizer.set('momentum', 0.9)).toThrow(
        /adam: "momentum" is not a hyper-parameter of adam \(it has: learningRate, beta1, beta2, epsilon\)/,
      );
      expect(optimizer.hyperParameters.beta1).toBe(0.9);
      const nesterov = momentum({ learningRate: 0.1, momentum: 0.9, nesterov: true });
      expect(() => nesterov.set('momentum', 0)).toThrow(/"nesterov" needs "momentum" > 0/);
      expect(nesterov.hyperParameters.momentum).toBe(0.9);
    });
  });

  describe('update() input checks leave parameters and state untouched', () => {
    it('names the mismatch', () => {
      const kernels = makeKernels();
      const optimizer = adam();
      const parameters = [
        { name: 'w', value: kernels.allocFrom([1, 2]) },
        { name: 'b', value: kernels.allocFrom([3]) },
      ];
      const state = optimizer.init(kernels, parameters);
      const good = kernels.allocFrom([1, 1]);
      expect(() => optimizer.update(kernels, parameters, [good], state)).toThrow(
        'adam: got 1 gradients for 2 parameters; they must match one to one',
      );
      expect(() =>
        optimizer.update(kernels, parameters, [good, kernels.allocFrom([1, 2])], state),
      ).toThrow('adam: gradient 1 has 2 values but parameter "b" has 1');
      const renamed = [parameters[0], { name: 'c', value: parameters[1].value }];
      expect(() =>
        optimizer.update(kernels, renamed, [good, kernels.allocFrom([1])], state),
      ).toThrow('adam: the state has no slot "c/firstMoment"');
      const freed = kernels.allocFrom([1]);
      freed.free();
      expect(() => optimizer.update(kernels, parameters, [good, freed], state)).toThrow(
        'adam: the gradient of parameter "b" has been freed',
      );
      expect(Array.from(parameters[0].value.view)).toEqual([1, 2]);
      expect(state.step).toBe(0);
      expect(() => optimizer.init(kernels, [parameters[0], parameters[0]])).toThrow(
        'adam: parameter name "w" appears twice',
      );
    });
  });
});

describe('factory validation', () => {
  it.each([
    [
      () => dualProcess({ learningRate: 0 }),
      'dualProcess: "learningRate" must be a finite number > 0, got 0',
    ],
    [
      () => dualProcess({ learningRate: Number.NaN }),
      'dualProcess: "learningRate" must be a finite number > 0, got NaN',
    ],
    [() => dualProcess({ momentum: 1.2 }), 'dualProcess: "momentum" must be in [0, 1), got 1.2'],
    [() => dualProcess({ momentum: -0.1 }), 'dualProcess: "momentum" must be in [0, 1), got -0.1'],
    [() => dualProcess({ rounded: 1 as never }), 'dualProcess: "rounded" must be a boolean, got 1'],
    [
      () => dualProcess({ nesterov: true } as never),
      'dualProcess: "nesterov" is not an option of dualProcess',
    ],
    [
      () => sgd({} as never),
      'sgd: "learningRate" is required and must be a finite number > 0, got undefined',
    ],
    [
      () => sgd({ learningRate: Number.POSITIVE_INFINITY }),
      'sgd: "learningRate" must be a finite number > 0, got Infinity',
    ],
    [
      () => momentum({ learningRate: 0.1 } as never),
      'momentum: "momentum" is required and must be in [0, 1)',
    ],
    [
      () => momentum({ learningRate: 0.1, momentum: 1 }),
      'momentum: "momentum" must be in [0, 1), got 1',
    ],
    [
      () => momentum({ learningRate: 0.1, momentum: 0, nesterov: true }),
      'momentum: "nesterov" needs "momentum" > 0',
    ],
    [() => adam({ beta1: 1 }), 'adam: "beta1" must be in [0, 1), got 1'],
    [() => adam({ beta2: -0.5 }), 'adam: "beta2" must be in [0, 1), got -0.5'],
    [() => adam({ epsilon: 0 }), 'adam: "epsilon" must be a finite number > 0, got 0'],
    [() => adam({ weightDecay: 0.1 } as never), 'adam: "weightDecay" is not an option of adam'],
    [() => adamw({ weightDecay: -1 }), 'adamw: "weightDecay" must be a finite number ≥ 0, got -1'],
    [
      () => optimizerFromConfig({ name: 'rmsprop' as never, hyperParameters: {} }),
      // The registry's names, which grow as optimizers are added.
      /optimizerFromConfig: "name" must be one of dualProcess, momentum, sgd, adam, adamw, (.+, )?got "rmsprop"/,
    ],
  ])('%#: %s', (make, message) => {
    expect(make).toThrow(message);
  });

  it('factory errors are OptimizerOptionErrors (RangeErrors)', () => {
    expect(() => dualProcess({ momentum: 2 })).toThrow(OptimizerOptionError);
    expect(() => adamw({ weightDecay: Number.NaN })).toThrow(OptimizerOptionError);
    expect(() => sgd({ learningRate: -1 })).toThrow(RangeError);
  });

  it('defaults: golden constants, rounded ones, and the customary Adam settings', () => {
    expect(dualProcess().hyperParameters).toEqual({
      learningRate: golden.learningRate,
      momentum: golden.momentum,
      telemetry: true,
    });
    expect(dualProcess({ rounded: true }).hyperParameters).toMatchObject({
      learningRate: 0.016,
      momentum: 0.874,
    });
    expect(dualProcess({ rounded: true, momentum: 0.9 }).hyperParameters).toMatchObject({
      learningRate: 0.016,
      momentum: 0.9,
    });
    expect(adam().hyperParameters).toEqual({
      learningRate: 0.001,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
    });
    expect(adamw().hyperParameters.weightDecay).toBe(0.01);
    expect(momentum({ learningRate: 0.1, momentum: 0.9 }).hyperParameters.nesterov).toBe(false);
    expect(Object.isFrozen(dualProcess().hyperParameters)).toBe(true);
  });

  it('restoreOptimizerState rejects malformed state', () => {
    const kernels = createReferenceKernels();
    expect(() => restoreOptimizerState(kernels, { step: -1, slots: {} })).toThrow(
      /"step" must be an integer ≥ 0, got -1/,
    );
    expect(() =>
      restoreOptimizerState(kernels, { step: 1, slots: { 'w/delta': [1, 2] as never } }),
    ).toThrow('restoreOptimizerState: slot "w/delta" must be a non-empty Float32Array');
  });

  it('restoreOptimizerState frees the slots it made when an allocation fails part-way', () => {
    const kernels = createReferenceKernels();
    const full: typeof kernels = Object.create(kernels);
    let allocations = 0;
    full.allocFrom = (values) => {
      if (++allocations === 2) throw new RangeError('out of kernel memory');
      return kernels.allocFrom(values);
    };
    const slots = { 'w/firstMoment': new Float32Array(8), 'w/secondMoment': new Float32Array(8) };
    expect(() => restoreOptimizerState(full, { step: 3, slots })).toThrow('out of kernel memory');
    expect(kernels.allocatedBytes()).toBe(0);
  });

  it('init frees the slots it made when an allocation fails part-way', () => {
    const kernels = createReferenceKernels();
    const w = kernels.alloc(8);
    const full: typeof kernels = Object.create(kernels);
    let allocations = 0;
    full.alloc = (length) => {
      if (++allocations === 2) throw new RangeError('out of kernel memory');
      return kernels.alloc(length);
    };
    const before = kernels.allocatedBytes();
    expect(() => adam().init(full, [{ name: 'w', value: w }])).toThrow('out of kernel memory');
    expect(kernels.allocatedBytes()).toBe(before);
    w.free();
  });
});

/** A small seeded PRNG for test data (Mulberry32). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
