import { loadKernels } from '@dualphi/core-wasm';
import { describe, expect, it } from 'vitest';
import { optimizerFromConfig, scheduleFreeAdamW, scheduleFreeSgd } from './index.js';
import { expectPrinted, runArrays, runKernels } from './peers.test-helpers.js';

/** y (the parameters) and x (the `x` slot) of Schedule-Free SGD, η = 0.1, β = 0.9, no warm-up. */
const PLAIN: Record<number, { y: string[]; x: string[] }> = {
  0: { y: ['0.9', '1.6', '2.1'], x: ['0.9', '1.6', '2.1'] },
  1: { y: ['0.8505', '1.424', '1.7535'], x: ['0.855', '1.44', '1.785'] },
  4: {
    y: ['0.713624402', '0.976870451', '0.94760434'],
    x: ['0.729703287', '1.02762061', '1.03566924'],
  },
};
/** The same with η = 0.3, warm-up 5, weight decay 0.5, after step 5. */
const WARM = {
  y: ['0.182637439', '-0.0151864254', '-0.176279633'],
  x: ['0.204318501', '0.0160303407', '-0.158055017'],
};

describe('schedule-free SGD (arXiv 2405.15682)', () => {
  it('f64 path matches the vectors (train point y and evaluation point x)', () => {
    let checked = 0;
    runArrays(scheduleFreeSgd({ learningRate: 0.1 }), 5, (step, y, state) => {
      const x = state.slots.get('x/x') as Float64Array;
      PLAIN[step]?.y.forEach((printed, i) => {
        expectPrinted(y[i], printed);
      });
      PLAIN[step]?.x.forEach((printed, i) => {
        expectPrinted(x[i], printed);
      });
      if (PLAIN[step]) checked++;
    });
    expect(checked).toBe(3);
    runArrays(
      scheduleFreeSgd({ learningRate: 0.3, warmupSteps: 5, weightDecay: 0.5 }),
      6,
      (step, y, state) => {
        if (step !== 5) return;
        const x = state.slots.get('x/x') as Float64Array;
        WARM.y.forEach((printed, i) => {
          expectPrinted(y[i], printed);
        });
        WARM.x.forEach((printed, i) => {
          expectPrinted(x[i], printed);
        });
        checked++;
      },
    );
    expect(checked).toBe(4);
  });

  it('kernel path (f32 buffers) matches them to f32 tolerance', () => {
    runKernels(scheduleFreeSgd({ learningRate: 0.1 }), 5, (step, y, state) => {
      const x = state.slots.get('x/x')?.view as Float32Array;
      PLAIN[step]?.y.forEach((printed, i) => {
        expectPrinted(y[i], printed, 1e-6);
      });
      PLAIN[step]?.x.forEach((printed, i) => {
        expectPrinted(x[i], printed, 1e-6);
      });
    });
    runKernels(
      scheduleFreeSgd({ learningRate: 0.3, warmupSteps: 5, weightDecay: 0.5 }),
      6,
      (step, y, state) => {
        if (step !== 5) return;
        const x = state.slots.get('x/x')?.view as Float32Array;
        // Values near 0 (−0.015): f32 tolerance of the trajectory's scale, not of the value.
        WARM.y.forEach((printed, i) => {
          expectPrinted(y[i], printed, 1e-5 / Math.abs(Number(printed)));
        });
        WARM.x.forEach((printed, i) => {
          expectPrinted(x[i], printed, 1e-5 / Math.abs(Number(printed)));
        });
      },
    );
  });

  it('names x as the point to evaluate, and has the reference defaults', () => {
    const optimizer = scheduleFreeSgd();
    expect(optimizer.evaluationSlot).toBe('x');
    expect(optimizer.hyperParameters).toEqual({
      learningRate: 1,
      momentum: 0.9,
      weightDecay: 0,
      warmupSteps: 0,
      averagingPower: 0,
      learningRatePower: 2,
    });
    expect(() => scheduleFreeSgd({ warmupSteps: 1.5 })).toThrow(
      'scheduleFreeSgd: "warmupSteps" must be an integer ≥ 0, got 1.5',
    );
    expect(optimizerFromConfig(optimizer.toConfig()).evaluationSlot).toBe('x');
  });
});

describe('schedule-free AdamW (arXiv 2405.15682)', () => {
  it('first step by hand: c = 1, v̂ = g², so x = y = z = x₀ − η·g/(|g| + ε)', () => {
    const eta = 0.0025;
    const expected = [1, 2, 3].map((x0, i) => {
      const g = (i + 1) * x0;
      return x0 - (eta * g) / (Math.abs(g) + 1e-8);
    });
    runArrays(scheduleFreeAdamW(), 1, (_, y, state) => {
      const x = state.slots.get('x/x') as Float64Array;
      const z = state.slots.get('x/z') as Float64Array;
      expected.forEach((value, i) => {
        expect(Math.abs(y[i] - value)).toBeLessThan(1e-15);
        expect(Math.abs(x[i] - value)).toBeLessThan(1e-15);
        expect(Math.abs(z[i] - value)).toBeLessThan(1e-15);
      });
    });
  });

  it('second step by hand: c = 1/2, v = β₂v + (1 − β₂)g², bias correction 1 − β₂²', () => {
    const [eta, b1, b2, eps] = [0.0025, 0.9, 0.999, 1e-8];
    const x0 = [1, 2, 3];
    const z1 = x0.map((x, i) => x - (eta * (i + 1) * x) / (Math.abs((i + 1) * x) + eps));
    const v1 = x0.map((x, i) => (1 - b2) * ((i + 1) * x) ** 2);
    const g2 = z1.map((y, i) => (i + 1) * y);
    const v2 = v1.map((v, i) => b2 * v + (1 - b2) * g2[i] ** 2);
    const z2 = z1.map((z, i) => z - (eta * g2[i]) / (Math.sqrt(v2[i] / (1 - b2 ** 2)) + eps));
    const x2 = z1.map((x, i) => 0.5 * x + 0.5 * z2[i]);
    const y2 = x2.map((x, i) => b1 * x + (1 - b1) * z2[i]);
    runArrays(scheduleFreeAdamW(), 2, (step, y, state) => {
      if (step !== 1) return;
      const x = state.slots.get('x/x') as Float64Array;
      y2.forEach((value, i) => {
        expect(Math.abs(y[i] - value)).toBeLessThan(1e-14);
      });
      x2.forEach((value, i) => {
        expect(Math.abs(x[i] - value)).toBeLessThan(1e-14);
      });
    });
  });
});

describe('schedule-free: averaging weights that overflow', () => {
  it('refuse the step with a clear error, leaving weights and state as they were', async () => {
    const kernels = await loadKernels();
    for (const optimizer of [
      scheduleFreeSgd({ averagingPower: 1000 }),
      scheduleFreeAdamW({ averagingPower: 1000 }),
    ]) {
      const x = kernels.allocFrom([1, 2, 3]);
      const g = kernels.allocFrom([1, 1, 1]);
      const parameters = [{ name: 'x', value: x }];
      const state = optimizer.init(kernels, parameters);
      // 2^1000 is finite, 3^1000 is not: step 3 would make c = ∞/∞.
      optimizer.update(kernels, parameters, [g], state);
      optimizer.update(kernels, parameters, [g], state);
      const before = {
        weights: Array.from(x.view),
        scalars: { ...state.scalars },
        step: state.step,
      };
      expect(() => optimizer.update(kernels, parameters, [g], state)).toThrow(
        new RangeError(
          `${optimizer.name}: the averaging weight (k + 1)^r·η_max^p overflowed at step 3 (averagingPower r = 1000, learningRatePower p = 2, η_max = ${optimizer.hyperParameters.learningRate}); choose smaller powers`,
        ),
      );
      expect({
        weights: Array.from(x.view),
        scalars: { ...state.scalars },
        step: state.step,
      }).toEqual(before);
      for (const buffer of [x, g, ...state.slots.values()]) buffer.free();
    }
  });
});
