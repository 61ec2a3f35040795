import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import {
  checkDataFlags,
  dataOptionNames,
  dataOptionsOf,
  type RunRecord,
  recordedData,
  recordedSplit,
} from './run-record.js';

describe('run.json data', () => {
  it('records every declared data flag, paths absolute, and the split with its seed', () => {
    expect(dataOptionNames()).toEqual(
      expect.arrayContaining(['data', 'label', 'test', 'testSplit']),
    );
    const options = { data: 'iris.csv', label: 'species', testSplit: 0.3 };
    expect(recordedData(options)).toEqual({ data: resolve('iris.csv'), label: 'species' });
    expect(recordedSplit(options, 9)).toEqual({
      kind: 'fraction',
      fraction: 0.3,
      seed: 9,
      stratified: true,
    });
    expect(recordedSplit({ data: 'a.csv', label: 'y' }, 0)).toMatchObject({ fraction: 0.2 });
    expect(recordedSplit({ data: 'a.csv', label: 'y', test: 'b.csv' }, 0)).toEqual({
      kind: 'file',
      test: resolve('b.csv'),
    });
    expect(recordedData({ data: 'digits' })).toEqual({ data: 'digits' });
    expect(recordedSplit({ data: 'digits' }, 0)).toEqual({ kind: 'source' });
  });

  it('gives back the options of the run, and refuses flags that contradict it naming both values', () => {
    const record = {
      data: { data: resolve('iris.csv'), label: 'species' },
      split: { kind: 'fraction', fraction: 0.3, seed: 9, stratified: true },
    } as unknown as RunRecord;
    expect(dataOptionsOf(record)).toEqual({
      data: resolve('iris.csv'),
      label: 'species',
      testSplit: 0.3,
    });
    // Repeating the run's values (a relative path, too) is fine.
    checkDataFlags(
      record,
      { data: 'iris.csv', label: 'species', testSplit: 0.3 },
      ['data', 'label', 'testSplit'],
      'runs/a',
    );
    const contradict = (options: object, given: string[]) => () =>
      checkDataFlags(record, { data: 'iris.csv', ...options }, given, 'runs/a');
    expect(contradict({ label: 'kind' }, ['label'])).toThrow(UsageError);
    expect(contradict({ label: 'kind' }, ['label'])).toThrow(
      '--label kind contradicts the run in runs/a, which used --label species',
    );
    expect(contradict({ testSplit: 0.5 }, ['testSplit'])).toThrow(
      '--test-split 0.5 contradicts the run in runs/a, which used --test-split 0.3 (seed 9)',
    );
    expect(contradict({ test: 'other.csv' }, ['test'])).toThrow(
      '--test other.csv contradicts the run in runs/a, which used --test-split 0.3',
    );
  });
});
