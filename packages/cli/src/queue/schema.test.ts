/**
 * The queue's messages are checked on receipt: a valid job and result pass (NaN figures
 * round-trip through null), and each kind of damage is rejected with a message naming it.
 * The `--queue` address is parsed with the password masked for messages.
 */
import type { SweepRecord } from '@dualphi/optimizer';
import { describe, expect, it } from 'vitest';
import { parseQueueAddress } from './connection.js';
import { jobId } from './keys.js';
import { parseSweepJob, parseSweepResult, QUEUE_SCHEMA_VERSION, resultMessage } from './schema.js';

const job = {
  kind: 'dualphi-sweep-job',
  version: QUEUE_SCHEMA_VERSION,
  sweep: '0123456789abcdef0123456789abcdef',
  label: 'adam@1e-3',
  source: { data: 'digits', seed: 0 },
  settings: {
    hidden: [16],
    activation: 'relu',
    epochs: 2,
    batchSize: 32,
    labelSmoothing: 0,
    validationSplit: 0.1,
  },
  dataHash: `sha256:${'a'.repeat(64)}`,
  task: {
    cellId: 'entry:adam@1e-3',
    seed: 1,
    optimizer: { name: 'adam', hyperParameters: { learningRate: 0.001 } },
  },
};

const record: SweepRecord = {
  cellId: 'entry:adam@1e-3',
  seed: 1,
  epochs: [
    {
      epoch: 1,
      trainLoss: 1.5,
      validationLoss: Number.NaN,
      validationAccuracy: 0.5,
      testLoss: 1.4,
      testAccuracy: 0.6,
    },
  ],
  seconds: 0.25,
};

describe('sweep job messages', () => {
  it('accepts a valid job', () => {
    expect(parseSweepJob(structuredClone(job))).toEqual(job);
  });

  it('rejects an unknown version, another kind, a non-object and missing or extra fields', () => {
    expect(() => parseSweepJob({ ...job, version: 1 })).toThrow(
      /unknown dualphi-sweep-job version 1 \(this dualphi reads version 2/,
    );
    expect(() => parseSweepJob({ ...job, kind: 'other' })).toThrow(
      /not a dualphi-sweep-job message/,
    );
    expect(() => parseSweepJob('run me')).toThrow(/not a dualphi-sweep-job message \(got string\)/);
    const { dataHash: _, ...noHash } = job;
    expect(() => parseSweepJob(noHash)).toThrow(/malformed sweep job: dataHash/);
    expect(() => parseSweepJob({ ...job, code: 'process.exit()' })).toThrow(/malformed sweep job/);
    expect(() => parseSweepJob({ ...job, settings: { ...job.settings, epochs: -1 } })).toThrow(
      /settings\.epochs/,
    );
  });
});

describe('sweep result messages', () => {
  const expected = { sweep: job.sweep, cellId: record.cellId, seed: record.seed };

  it('round-trips a record through JSON (NaN travels as null)', () => {
    const wire = JSON.parse(JSON.stringify(resultMessage(job.sweep, record)));
    expect(parseSweepResult(wire, expected)).toEqual(record);
  });

  it("carries the worker's kernel build and threads; a worker that does not send them is read as unknown", () => {
    const built = { ...record, kernels: 'wasm-relaxed-simd', threads: 1 };
    const wire = JSON.parse(JSON.stringify(resultMessage(job.sweep, built)));
    expect(parseSweepResult(wire, expected)).toEqual(built);
    expect(parseSweepResult(wire, expected).kernels).toBe('wasm-relaxed-simd');
    expect(() =>
      parseSweepResult({ ...wire, record: { ...wire.record, threads: 0 } }, expected),
    ).toThrow(/malformed sweep result: record\.threads/);
    expect(
      parseSweepResult(JSON.parse(JSON.stringify(resultMessage(job.sweep, record))), expected)
        .kernels,
    ).toBeUndefined();
  });

  it("rejects another job's result, an unknown version and malformed records", () => {
    const wire = JSON.parse(JSON.stringify(resultMessage(job.sweep, record)));
    expect(() => parseSweepResult(wire, { ...expected, seed: 2 })).toThrow(/not the job's/);
    expect(() => parseSweepResult({ ...wire, version: 0 }, expected)).toThrow(
      /unknown dualphi-sweep-result version 0/,
    );
    expect(() =>
      parseSweepResult({ ...wire, record: { ...wire.record, epochs: 'many' } }, expected),
    ).toThrow(/malformed sweep result: record\.epochs/);
  });
});

describe('queue addresses and job ids', () => {
  it('parses redis:// addresses and masks the password', () => {
    expect(parseQueueAddress('redis://:s3cret@127.0.0.1:6379/2').display).toBe(
      'redis://:***@127.0.0.1:6379/2',
    );
    expect(() => parseQueueAddress('http://127.0.0.1:6379')).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => parseQueueAddress('127.0.0.1:6379')).toThrow(/the scheme must be|not an address/);
    expect(() => parseQueueAddress('redis://127.0.0.1:6379/x')).toThrow(
      /database "x" is not a number/,
    );
  });

  it('derives the same job id from the same sweep and task, another from any other', () => {
    const a = jobId(job.sweep, { cellId: 'grid:0.1:0.5', seed: 0 });
    expect(jobId(job.sweep, { cellId: 'grid:0.1:0.5', seed: 0 })).toBe(a);
    expect(jobId(job.sweep, { cellId: 'grid:0.1:0.5', seed: 1 })).not.toBe(a);
    expect(jobId('f'.repeat(32), { cellId: 'grid:0.1:0.5', seed: 0 })).not.toBe(a);
    expect(a).not.toContain(':');
  });
});
