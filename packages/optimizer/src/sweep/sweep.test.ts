import { createReferenceKernels } from '@dualphi/core-wasm/reference';
import { describe, expect, it } from 'vitest';
import { getDefaultKernels } from '../kernels.js';
import { golden } from '../theory/golden.js';
import { blobSplit } from '../training/synthetic.test-helpers.js';
import { summarizeSweep } from './aggregate.js';
import { parseEntry } from './entries.js';
import { planSweep, sweepTasks } from './plan.js';
import { parseAxis } from './range.js';
import {
  inProcessExecutor,
  runSweepTask,
  type SweepCellTrainer,
  type SweepExecutor,
  sweep,
} from './run.js';
import {
  meanInterval,
  pairedTTest,
  sampleSd,
  studentTCdf,
  studentTQuantile,
} from './statistics.js';
import type { SweepRecord, SweepSetup } from './types.js';

const values = (text: string, axis: 'learningRate' | 'momentum') =>
  parseAxis(text, axis).map((v) => v.value);

describe('axis parser', () => {
  it('expands geometric and arithmetic ranges without rounding noise', () => {
    expect(values('0.001..0.512x2', 'learningRate')).toEqual([
      0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512,
    ]);
    expect(values('0.5..0.9+0.1', 'momentum')).toEqual([0.5, 0.6, 0.7, 0.8, 0.9]);
    expect(values('0.9,0,0.5', 'momentum')).toEqual([0, 0.5, 0.9]);
  });

  it('reads golden as η* on the learning-rate axis and α* on the momentum axis', () => {
    expect(parseAxis('golden,0.9', 'momentum')).toEqual([
      { value: golden.momentum, golden: true },
      { value: 0.9, golden: false },
    ]);
    expect(parseAxis('golden', 'learningRate')).toEqual([
      { value: golden.learningRate, golden: true },
    ]);
  });

  it('rejects empty lists, non-increasing ranges, momentum ≥ 1, duplicates, junk', () => {
    expect(() => parseAxis(' , ', 'learningRate')).toThrow(/the list is empty/);
    expect(() => parseAxis('0.5..0.1x2', 'learningRate')).toThrow(/not increasing/);
    expect(() => parseAxis('0.1..0.1+0.1', 'momentum')).toThrow(/not increasing/);
    expect(() => parseAxis('0.1..0.5x1', 'learningRate')).toThrow(/factor > 1/);
    expect(() => parseAxis('0.5,1', 'momentum')).toThrow(
      /1 is not allowed \(allowed: momenta in \[0, 1\)\)/,
    );
    expect(() => parseAxis('0', 'learningRate')).toThrow(/learning rates > 0/);
    expect(() => parseAxis('0.9,0.9', 'momentum')).toThrow(/listed twice/);
    expect(() => parseAxis(`golden,${golden.momentum}`, 'momentum')).toThrow(/listed twice/);
    expect(() => parseAxis('fast', 'learningRate')).toThrow(/"fast" is not a number/);
    expect(() => parseAxis('1e-9..1x1.00001', 'learningRate')).toThrow(/more than 1000 values/);
  });
});

describe('entries and plan', () => {
  it('parses registry entries with a learning rate or named options', () => {
    expect(parseEntry('adam@3e-4').optimizer).toMatchObject({
      name: 'adam',
      hyperParameters: { learningRate: 3e-4, beta1: 0.9 },
    });
    expect(parseEntry('nesterov@momentum=0.8').optimizer.hyperParameters).toMatchObject({
      momentum: 0.8,
      nesterov: true,
    });
    expect(parseEntry('adam').kind).toBe('baseline');
    expect(() => parseEntry('rmsprop@1e-3')).toThrow(
      /unknown optimizer "rmsprop" \(allowed: golden,/,
    );
    expect(() => parseEntry('adam@-1')).toThrow(/"adam@-1":.*learningRate/);
    expect(() => parseEntry('adam@speed=2')).toThrow(/options of adam: learningRate, beta1/);
  });

  it('builds grid × entries × seeds with the golden cell marked', () => {
    const plan = planSweep({
      learningRates: [0.1, 'golden'],
      momenta: ['golden', 0],
      entries: ['adam@1e-3'],
      seeds: 3,
      firstSeed: 5,
    });
    expect(plan.seeds).toEqual([5, 6, 7]);
    expect(plan.learningRates).toEqual([golden.learningRate, 0.1]);
    expect(plan.momenta).toEqual([0, golden.momentum]);
    expect(plan.cells.map((c) => c.label)).toEqual([
      'η=η* α=0',
      'η=η* α=α*',
      'η=0.1 α=0',
      'η=0.1 α=α*',
      'adam@1e-3',
    ]);
    expect(plan.cells.filter((c) => c.golden).map((c) => c.label)).toEqual(['η=η* α=α*']);
    expect(plan.cells[1].optimizer).toEqual({
      name: 'dualProcess',
      hyperParameters: {
        learningRate: golden.learningRate,
        momentum: golden.momentum,
        telemetry: false,
      },
    });
    expect(sweepTasks(plan)).toHaveLength(15);
    expect(() => planSweep({ seeds: 1 })).toThrow(/the sweep is empty/);
    expect(() => planSweep({ learningRates: [0.1], seeds: 1 })).toThrow(/needs both/);
    expect(() => planSweep({ entries: ['adam'], seeds: 0 })).toThrow(
      /seeds must be a whole number ≥ 1/,
    );
    expect(() => planSweep({ entries: ['adam', 'adam'], seeds: 1 })).toThrow(/listed twice/);
  });
});

describe('statistics (against hand-computed values)', () => {
  it('Student t quantiles and CDF', () => {
    // Tables: t₀.₉₇₅ for 1, 2, 3, 4, 9, 30 degrees of freedom.
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.7062047, 5);
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.30265273, 6);
    expect(studentTQuantile(0.975, 3)).toBeCloseTo(3.18244631, 6);
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.77644511, 6);
    expect(studentTQuantile(0.975, 9)).toBeCloseTo(2.26215716, 6);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.04227246, 6);
    // df = 1 is the Cauchy distribution: F(t) = 1/2 + atan(t)/π.
    expect(studentTCdf(1, 1)).toBeCloseTo(0.75, 12);
    expect(studentTCdf(-2, 1)).toBeCloseTo(0.5 + Math.atan(-2) / Math.PI, 12);
    // df = 2: F(t) = 1/2 + t / (2√(2 + t²)).
    expect(studentTCdf(1.5, 2)).toBeCloseTo(0.5 + 1.5 / (2 * Math.sqrt(4.25)), 12);
  });

  it('mean, sd and the 95 % interval', () => {
    expect(sampleSd([1, 2, 3, 4])).toBeCloseTo(Math.sqrt(5 / 3), 12);
    const interval = meanInterval([1, 2, 3, 4, Number.NaN]);
    // 2.5 ± 3.18244631 · 1.2909944 / 2 = 2.5 ± 2.0542606
    expect(interval.n).toBe(4);
    expect(interval.mean).toBe(2.5);
    expect(interval.low).toBeCloseTo(0.4457394, 6);
    expect(interval.high).toBeCloseTo(4.5542606, 6);
    expect(meanInterval([3]).sd).toBeNaN();
    expect(meanInterval([3]).mean).toBe(3);
  });

  it('the paired t-test', () => {
    // d = 1, 2, 3: mean 2, sd 1, t = 2√3, df 2, p = 1 − t/√(2 + t²) = 0.0741799.
    const test = pairedTTest([1, 2, 3], [0, 0, 0]);
    expect(test.t).toBeCloseTo(2 * Math.sqrt(3), 12);
    expect(test.pValue).toBeCloseTo(1 - (2 * Math.sqrt(3)) / Math.sqrt(14), 10);
    expect(test.low).toBeCloseTo(2 - 4.30265273 / Math.sqrt(3), 6);
    expect(pairedTTest([1, 2], [1, 2]).pValue).toBe(1);
    // The same gap on every seed: no spread, so t is undefined (not p = 0, "significant").
    expect(pairedTTest([2, 3], [1, 2]).pValue).toBeNaN();
    expect(pairedTTest([1], [0]).pValue).toBeNaN();
    // The same 6-sample gap on 444 validation rows, on every seed: equal in exact arithmetic,
    // unequal in the last bits of the float differences (measured on Satellite at 40 epochs,
    // where it once gave p ≈ 1e-29). Rounding is not spread: still untested.
    // In accuracy points, as the sweep's aggregate passes them.
    const best = [414, 414, 406].map((k) => (k / 444) * 100);
    const golden = [408, 408, 400].map((k) => (k / 444) * 100);
    const differences = best.map((x, i) => x - golden[i]);
    expect(new Set(differences).size).toBeGreaterThan(1);
    const rounded = pairedTTest(golden, best);
    expect(rounded.pValue).toBeNaN();
    expect(rounded.mean).toBeCloseTo((-6 / 444) * 100, 10);
  });
});

const kernels = createReferenceKernels();
const setup: SweepSetup = {
  data: blobSplit(90, 30, 5, 3, 7, 0.9),
  hidden: [6],
  activation: 'relu',
  epochs: 2,
  batchSize: 16,
  labelSmoothing: 0,
  validationSplit: 0.2,
};
const withoutTime = (records: readonly SweepRecord[]) =>
  records.map((record) => ({ ...record, seconds: 0 }));

describe('sweep', () => {
  it('common random numbers: a seed trains identically in every cell of the same optimizer', async () => {
    // The grid cell (η*, α*) and the entry `golden` are the same update at different places
    // in the plan: with common random numbers every seed gives them identical figures.
    const plan = planSweep({
      learningRates: [0.05, 'golden'],
      momenta: ['golden'],
      entries: ['golden'],
      seeds: 2,
    });
    const result = await sweep({ plan, setup, executor: inProcessExecutor({ kernels }) });
    expect(result.complete).toBe(true);
    const of = (cellId: string, seed: number) =>
      result.records.find((r) => r.cellId === cellId && r.seed === seed)?.epochs;
    const gridGolden = plan.cells.find((c) => c.golden)?.id as string;
    const other = plan.cells.find((c) => c.learningRate === 0.05)?.id as string;
    for (const seed of [0, 1]) {
      expect(of(gridGolden, seed)).toEqual(of('entry:golden', seed));
      expect(of(gridGolden, seed)).not.toEqual(of(other, seed));
    }
    expect(of(gridGolden, 0)).not.toEqual(of(gridGolden, 1));
    // Same figures per seed: the paired gap is exactly 0, the test says indistinguishable.
    const versus = result.summary.golden?.versusPeers.find((c) => c.otherId === 'entry:golden');
    expect(versus).toMatchObject({ n: 2, gap: 0, pValue: 1, indistinguishable: true });
  });

  it('gives the same records whatever order the executor finishes them in, and resumes', async () => {
    const plan = planSweep({ learningRates: [0.02, 0.2], momenta: [0, 0.9], seeds: 2 });
    const forward = await sweep({ plan, setup, executor: inProcessExecutor({ kernels }) });
    const reversed: SweepExecutor = {
      async run(s, tasks, onRecord, signal) {
        await inProcessExecutor({ kernels }).run(s, [...tasks].reverse(), onRecord, signal);
      },
    };
    const backward = await sweep({ plan, setup, executor: reversed });
    expect(withoutTime(backward.records)).toEqual(withoutTime(forward.records));
    expect(backward.summary).toEqual(forward.summary);
    // Resume from three finished runs: only the other five are trained.
    const ran: string[] = [];
    const resumed = await sweep({
      plan,
      setup,
      completed: forward.records.slice(0, 3),
      executor: inProcessExecutor({ kernels }),
      onRecord: (record) => {
        ran.push(`${record.cellId}/${record.seed}`);
      },
    });
    expect(ran).toHaveLength(5);
    expect(withoutTime(resumed.records)).toEqual(withoutTime(forward.records));
  });

  it('ranks by validation accuracy, and a diverged cell ranks last', async () => {
    const plan = planSweep({ learningRates: [0.05, 1e6], momenta: [0.5], seeds: 2 });
    const result = await sweep({ plan, setup, executor: inProcessExecutor({ kernels }) });
    const [sane, wild] = result.summary.cells;
    expect(wild.diverged).toBe(2);
    expect(wild.rank).toBe(2);
    expect(sane.rank).toBe(1);
    expect(result.summary.bestId).toBe(sane.cellId);
    expect(result.summary.text.join(' ')).toContain('no golden cell');
  });

  it('trains each cell with a given trainer (pluggable cell), and with the engine by default', async () => {
    const plan = planSweep({
      learningRates: ['golden'],
      momenta: ['golden'],
      entries: ['adam'],
      seeds: 2,
    });
    const seen: string[] = [];
    const trainCell: SweepCellTrainer = async (_setup, task) => {
      seen.push(`${task.cellId}/${task.seed}/${task.optimizer.name}`);
      const accuracy = task.cellId === 'entry:adam' ? 0.5 : 0.75 + task.seed / 100;
      const epoch = {
        epoch: 1,
        trainLoss: 1,
        validationLoss: 1,
        validationAccuracy: accuracy,
        testLoss: 1,
        testAccuracy: accuracy,
      };
      return { cellId: task.cellId, seed: task.seed, epochs: [epoch], seconds: 0 };
    };
    const result = await sweep({ plan, setup, trainCell });
    expect(seen).toHaveLength(4);
    expect(seen).toContain('entry:adam/1/adam');
    expect(result.summary.golden?.rank).toBe(1);
    expect(
      result.summary.cells.find((c) => c.cellId === 'entry:adam')?.validationAccuracy.mean,
    ).toBe(0.5);
    // Without a trainer the built-in engine trains (figures differ from the fake ones).
    const engine = await sweep({ plan, setup, executor: inProcessExecutor({ kernels }) });
    expect(engine.records[0].epochs).toHaveLength(setup.epochs);
  });

  it('records which kernel build and how many threads computed each run', async () => {
    const plan = planSweep({ learningRates: [0.05], momenta: [0.5], entries: ['adam'], seeds: 2 });
    const result = await sweep({ plan, setup, executor: inProcessExecutor({ kernels }) });
    for (const record of result.records) {
      expect(record).toMatchObject({ kernels: 'reference', threads: 1 });
    }
    expect(result.summary.kernels).toEqual([{ kernels: 'reference', runs: 4 }]);
    expect(result.summary.text.join('\n')).not.toMatch(/different kernel builds/);
    // Without kernels: the shared wasm kernels, named by their build (wasm-simd here).
    const task = sweepTasks(plan)[0];
    const record = await runSweepTask({ ...setup, epochs: 1 }, task);
    expect(record?.kernels).toBe((await getDefaultKernels()).name);
    expect(record?.kernels).toMatch(/^wasm-(relaxed-)?simd$/);
    expect(record?.threads).toBe(1);
  });

  it('rejects a setup without validation split', async () => {
    const plan = planSweep({ entries: ['adam'], seeds: 1 });
    await expect(sweep({ plan, setup: { ...setup, validationSplit: 0 } })).rejects.toThrow(
      /ranks its cells on a validation split/,
    );
  });
});

describe('summarizeSweep', () => {
  /** A one-epoch record whose validation and test accuracy are both `acc`. */
  const rec = (cellId: string, seed: number, acc: number): SweepRecord => ({
    cellId,
    seed,
    seconds: 0,
    epochs: [
      {
        epoch: 1,
        trainLoss: 1,
        validationLoss: 1 - acc,
        validationAccuracy: acc,
        testLoss: 1,
        testAccuracy: acc,
      },
    ],
  });

  it('pairs by seed and computes the golden gap with its interval', () => {
    const plan = planSweep({
      learningRates: ['golden'],
      momenta: ['golden'],
      entries: ['adam'],
      seeds: 3,
    });
    const g = plan.cells[0].id;
    const records = [
      rec(g, 0, 0.9),
      rec(g, 1, 0.92),
      rec(g, 2, 0.94),
      rec('entry:adam', 0, 0.91),
      rec('entry:adam', 1, 0.94),
      rec('entry:adam', 2, 0.97),
    ];
    const summary = summarizeSweep(plan, records);
    expect(summary.ranking).toEqual(['entry:adam', g]);
    expect(summary.golden?.rank).toBe(2);
    // Differences (points): −1, −2, −3 → mean −2, sd 1, t = −2√3, p = 0.0741799.
    const vs = summary.golden?.versusBest;
    expect(vs?.gap).toBeCloseTo(-2, 10);
    expect(vs?.pValue).toBeCloseTo(0.0741799, 6);
    expect(vs?.low).toBeCloseTo(-2 - 4.30265273 / Math.sqrt(3), 5);
    expect(vs?.indistinguishable).toBe(true);
    expect(summary.golden?.versusPeers.map((c) => c.otherId)).toEqual(['entry:adam']);
    expect(summary.cells[0].validationAccuracy.mean).toBeCloseTo(0.92, 12);
    expect(summary.text.join('\n')).toMatch(/golden pair \(η\*, α\*\) ranks 2 of 2/);
  });

  it('calls a gap that is the same on every seed untested, and compares a peer that is the best cell once', () => {
    const plan = planSweep({
      learningRates: ['golden'],
      momenta: ['golden'],
      entries: ['adam'],
      seeds: 3,
    });
    const g = plan.cells[0].id;
    // Adam is one validation sample (1 point) ahead on every seed: no spread.
    const records = [0, 1, 2].flatMap((seed) => [
      rec(g, seed, 0.9 + seed / 100),
      rec('entry:adam', seed, 0.91 + seed / 100),
    ]);
    const summary = summarizeSweep(plan, records);
    expect(summary.golden?.versusBest?.pValue).toBeNaN();
    expect(summary.golden?.versusBest?.indistinguishable).toBe(false);
    const text = summary.text.join('\n');
    expect(text).toMatch(/−1\.00 points on each of 3 seeds; .*t-test is undefined/);
    expect(text).not.toMatch(/p = </);
    // Adam is both the best cell and a peer: one comparison line, not two.
    expect(text.match(/− adam/g)).toHaveLength(1);
  });

  it('lists the kernel builds of the runs, and warns when they ran on more than one', () => {
    const plan = planSweep({ entries: ['golden', 'adam'], seeds: 2 });
    const on = (record: SweepRecord, kernels?: string): SweepRecord =>
      kernels === undefined ? record : { ...record, kernels, threads: 1 };
    const mixed = summarizeSweep(plan, [
      on(rec('entry:golden', 0, 0.9), 'wasm-simd'),
      on(rec('entry:golden', 1, 0.91), 'wasm-relaxed-simd'),
      on(rec('entry:adam', 0, 0.8), 'wasm-simd'),
      on(rec('entry:adam', 1, 0.82)),
    ]);
    expect(mixed.kernels).toEqual([
      { kernels: 'wasm-simd', runs: 2 },
      { kernels: 'wasm-relaxed-simd', runs: 1 },
      { kernels: 'unknown', runs: 1 },
    ]);
    const warnings = mixed.text.filter((line) => /different kernel builds/.test(line));
    expect(warnings).toEqual([
      'Warning: the runs were computed on different kernel builds (wasm-simd: 2 runs, wasm-relaxed-simd: 1 run, unknown: 1 run): their figures are not bit-comparable across builds, which round products differently, though each is statistically valid.',
    ]);
    // One build, or one build and records that do not say (an older journal): no warning.
    for (const second of ['wasm-simd', undefined]) {
      const one = summarizeSweep(plan, [
        on(rec('entry:golden', 0, 0.9), 'wasm-simd'),
        on(rec('entry:adam', 0, 0.8), second),
      ]);
      expect(one.text.join('\n')).not.toMatch(/kernel builds/);
      expect(one.kernels[0]).toEqual({ kernels: 'wasm-simd', runs: second ? 2 : 1 });
    }
    // Records without the field (written before it existed): unknown, not an error.
    expect(summarizeSweep(plan, [rec('entry:golden', 0, 0.9)]).kernels).toEqual([
      { kernels: 'unknown', runs: 1 },
    ]);
  });

  it('with one seed states that there is no interval and no test, and describes none', () => {
    const plan = planSweep({ entries: ['golden', 'adam'], seeds: 1 });
    const summary = summarizeSweep(plan, [rec('entry:golden', 0, 0.9), rec('entry:adam', 0, 0.8)]);
    expect(summary.cells[0].validationAccuracy.low).toBeNaN();
    expect(summary.cells[0].validationAccuracy.sd).toBeNaN();
    const text = summary.text.join('\n');
    expect(text).toContain('One seed per cell: no spread, so no interval and no paired test');
    expect(text).not.toMatch(/^Test: /m);
    expect(text).toMatch(/\+10\.00 points on 1 seed\(s\); at least two seeds are needed/);
  });
});

describe('the golden entry', () => {
  it('is the golden cell when the plan has no grid golden cell', () => {
    const plan = planSweep({ entries: ['adam', 'golden'], seeds: 1 });
    expect(plan.cells.map((c) => c.golden)).toEqual([false, true]);
    const withGrid = planSweep({
      learningRates: ['golden'],
      momenta: ['golden'],
      entries: ['golden'],
      seeds: 1,
    });
    expect(withGrid.cells.map((c) => c.golden)).toEqual([true, false]);
    expect(planSweep({ entries: ['golden-rounded'], seeds: 1 }).cells[0].golden).toBe(false);
  });
});
