/**
 * `--threads`: a run split across worker threads gives the same numbers as one on a single
 * thread (the matrix products are bit-identical whatever the count).
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

/** The JSON document's epochs without the timing fields. */
function numbers(stdout: string): unknown {
  const document = JSON.parse(stdout) as {
    epochs: Record<string, number>[];
    final: Record<string, number>;
  };
  return {
    epochs: document.epochs.map(({ seconds, samplesPerSecond, ...rest }) => rest),
    testAccuracy: document.final.testAccuracy,
    testLoss: document.final.testLoss,
  };
}

describe('train --threads', () => {
  it('gives the same metrics on 2 threads as on 1', async () => {
    // Layers wide enough that the products are split (≥ 2¹⁸ multiply-adds).
    const args = ['train', '--json', '--epochs', '2', '--hidden', '256,64', '--batch', '64'];
    const one = await runCli([...args, '--threads', '1']);
    const two = await runCli([...args, '--threads', '2']);
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    expect(numbers(two.stdout)).toEqual(numbers(one.stdout));
  });
});
