/** `dualphi bench` through the built binary: it runs, and its JSON rows are complete. */
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('bench', () => {
  it('--json --repeat 1 times every case on dualphi and both tfjs backends', async () => {
    const result = await runCli(['bench', '--json', '--repeat', '1']);
    expect(result.code, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.mode).toBe('quick');
    expect(document.rows.map((row: { id: string }) => row.id)).toEqual([
      'gemm',
      'softmax',
      'update',
      'step0',
    ]);
    for (const row of document.rows) {
      for (const implementation of ['dualphi-wasm', 'tfjs-wasm', 'tfjs-cpu']) {
        expect(row.microseconds[implementation], `${row.id} ${implementation}`).toBeGreaterThan(0);
      }
      for (const backend of ['tfjs-wasm', 'tfjs-cpu']) {
        expect(row.speedup[backend]).toBeCloseTo(
          row.microseconds[backend] / row.microseconds['dualphi-wasm'],
          10,
        );
      }
    }
  }, 120_000);
});
