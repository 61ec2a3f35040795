import { loadKernels } from '@dualphi/core-wasm';
import { describe, expect, it } from 'vitest';
import {
  optimizerFromConfig,
  optimizerFromPreset,
  optimizerNames,
  optimizerPresets,
  optimizerRegistry,
  restoreOptimizerState,
  serializeOptimizerState,
} from './index.js';

const wasm = await loadKernels();

/** A deterministic pseudo-random sequence in [−1, 1) (xorshift), for shapes and values. */
function sequence(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return ((x >>> 0) / 2 ** 32) * 2 - 1;
  };
}

/** f(w) = ½ Σ aᵢwᵢ² per tensor: g = a ⊙ w, so every rule sees gradients that change. */
const SHAPES = [7, 3];
/** The run `train()` would report (a batch size other than the golden extensions' B₀). */
const RUN = { totalSteps: 8, batchSize: 16 };

describe.each(optimizerPresets.map((preset) => [preset.name, preset] as const))(
  'registry preset %s',
  (name) => {
    it('f32 kernel path follows the f64 oracle for 6 steps (f32 tolerance)', () => {
      const random = sequence(name.length * 7919);
      const curvature = SHAPES.map((n) => Float64Array.from({ length: n }, () => 1 + random()));
      const initial = SHAPES.map((n) =>
        Float64Array.from({ length: n }, () => Math.fround(random())),
      );
      const f64 = optimizerFromPreset(name);
      const f32 = optimizerFromPreset(name);
      const arrays = initial.map((values, i) => ({ name: `t${i}`, value: values.slice() }));
      const buffers = initial.map((values, i) => ({
        name: `t${i}`,
        value: wasm.allocFrom(Float32Array.from(values)),
      }));
      const gradients = SHAPES.map((n) => wasm.alloc(n));
      const arrayState = f64.initArrays(arrays);
      const state = f32.init(wasm, buffers);
      for (let step = 0; step < 6; step++) {
        const arrayGradients = arrays.map((p, i) => p.value.map((w, j) => curvature[i][j] * w));
        // The kernel path's gradient from its own (f32) weights, so the paths drift only by rounding.
        buffers.forEach((p, i) => {
          const view = p.value.view;
          gradients[i].view.set(view.map((w, j) => curvature[i][j] * w));
        });
        f64.updateArrays(arrays, arrayGradients, arrayState, RUN);
        f32.update(wasm, buffers, gradients, state, RUN);
      }
      arrays.forEach((p, i) => {
        const got = buffers[i].value.view;
        for (let j = 0; j < p.value.length; j++) {
          const scale = Math.max(1e-3, Math.abs(p.value[j] - initial[i][j]));
          expect(Math.abs(got[j] - p.value[j]) / scale).toBeLessThan(1e-3);
        }
      });
      for (const b of [...buffers.map((p) => p.value), ...gradients]) b.free();
      for (const slot of state.slots.values()) slot.free();
    });

    it('round-trips config and state: the continued run equals the uninterrupted one, bit for bit', () => {
      const run = (interrupt: boolean) => {
        let optimizer = optimizerFromPreset(name);
        const w = wasm.allocFrom(Float32Array.from([0.5, -0.25, 1, 2]));
        const g = wasm.alloc(4);
        const parameters = [{ name: 'w', value: w }];
        let state = optimizer.init(wasm, parameters);
        for (let step = 0; step < 5; step++) {
          if (interrupt && step === 2) {
            const serialized = structuredClone(serializeOptimizerState(state));
            for (const slot of state.slots.values()) slot.free();
            optimizer = optimizerFromConfig(structuredClone(optimizer.toConfig()));
            state = restoreOptimizerState(wasm, serialized);
          }
          g.view.set(w.view.map((x, i) => (i + 1) * x));
          optimizer.update(wasm, parameters, [g], state, RUN);
        }
        const result = Array.from(w.view);
        for (const slot of state.slots.values()) slot.free();
        w.free();
        g.free();
        return result;
      };
      expect(run(true)).toEqual(run(false));
    });
  },
);

describe('the registry', () => {
  it('lists every module once, with documentation, and names each preset once', () => {
    expect(new Set(optimizerNames).size).toBe(optimizerRegistry.length);
    const presetNames = optimizerPresets.map((p) => p.name);
    expect(new Set(presetNames).size).toBe(presetNames.length);
    expect(presetNames).toEqual(
      expect.arrayContaining(['golden', 'golden-rounded', 'momentum', 'nesterov', 'sgd', 'adam']),
    );
    expect(presetNames).toEqual(expect.arrayContaining(['adamw', 'lion']));
    for (const preset of optimizerPresets) {
      // This project's extensions are labelled as such wherever a summary is shown.
      expect(preset.summary.includes("this project's extension"), preset.name).toBe(
        preset.module.kind === 'extension',
      );
    }
    for (const module of optimizerRegistry) {
      expect(module.formula.length).toBeGreaterThan(0);
      expect(module.source.length).toBeGreaterThan(0);
      for (const spec of Object.values(module.options)) {
        expect(spec.description.length).toBeGreaterThan(0);
      }
    }
  });

  it('refuses unknown preset names, naming the allowed ones', () => {
    expect(() => optimizerFromPreset('rmsprop')).toThrow(/must be one of golden, .*got "rmsprop"/);
  });

  it('the golden presets hold the same values as before the registry', () => {
    expect(optimizerFromPreset('golden-rounded').hyperParameters).toEqual({
      learningRate: 0.016,
      momentum: 0.874,
      telemetry: true,
    });
    expect(optimizerFromPreset('nesterov').toConfig()).toEqual({
      name: 'momentum',
      hyperParameters: { learningRate: 0.01, momentum: 0.9, nesterov: true, telemetry: true },
    });
    expect(optimizerFromPreset('sgd', { learningRate: 0.3 }).hyperParameters).toEqual({
      learningRate: 0.3,
    });
  });
});
