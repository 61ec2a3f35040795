import type { SweepRecord } from '@dualphi/optimizer';
import { describe, expect, it } from 'vitest';
import { parseJournal, recordLine } from './journal.js';

const record = (seed: number, accuracy: number): SweepRecord => ({
  cellId: 'grid:0.1:0.9',
  seed,
  seconds: 1.5,
  epochs: [
    {
      epoch: 1,
      trainLoss: 0.1 + seed,
      validationLoss: Number.NaN,
      validationAccuracy: accuracy,
      testLoss: 0.30000000000000004,
      testAccuracy: 1 / 3,
    },
  ],
});

describe('sweep journal', () => {
  it('round-trips records exactly, NaN included', () => {
    const text = recordLine(record(0, 0.9)) + recordLine(record(1, 0.8));
    const { records, tornDropped, goodBytes } = parseJournal(text);
    expect(records).toEqual([record(0, 0.9), record(1, 0.8)]);
    expect(tornDropped).toBe(false);
    expect(goodBytes).toBe(Buffer.byteLength(text));
  });

  it('keeps the kernel build of each record, and reads records without it as unknown', () => {
    const built: SweepRecord = { ...record(0, 0.9), kernels: 'wasm-simd', threads: 1 };
    expect(parseJournal(recordLine(built)).records).toEqual([built]);
    // A line of an earlier version, and one whose field is not a name: no build, no error.
    const older = parseJournal(
      `${recordLine(record(1, 0.8))}${recordLine({ ...record(2, 0.7), kernels: 7 } as never)}`,
    );
    expect(older.records.map((r) => r.kernels)).toEqual([undefined, undefined]);
    expect(older.records).toEqual([record(1, 0.8), record(2, 0.7)]);
  });

  it('drops a torn last record: no final newline, or not JSON', () => {
    const good = recordLine(record(0, 0.9));
    const cut = recordLine(record(1, 0.8)).slice(0, 40);
    const torn = parseJournal(good + cut);
    expect(torn.records).toEqual([record(0, 0.9)]);
    expect(torn.tornDropped).toBe(true);
    expect(torn.goodBytes).toBe(Buffer.byteLength(good));
    // A complete line without its newline is also a write that did not finish.
    const unterminated = parseJournal(good + recordLine(record(1, 0.8)).trimEnd());
    expect(unterminated.records).toHaveLength(1);
    expect(unterminated.tornDropped).toBe(true);
    expect(parseJournal(`${good}{"cellId":\n`).tornDropped).toBe(true);
    expect(parseJournal('').records).toEqual([]);
  });

  it('refuses damage before the last line (no torn append causes it)', () => {
    const text = `${recordLine(record(0, 0.9))}garbage\n${recordLine(record(1, 0.8))}`;
    expect(() => parseJournal(text, 'runs.jsonl')).toThrow(
      'runs.jsonl: line 2 is not a sweep record (the file is damaged)',
    );
  });
});
