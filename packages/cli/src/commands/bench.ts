/**
 * `dualphi bench`: times the core's kernels (GEMM, fused softmax cross-entropy, the
 * delta-form update) and one whole training step of an MLP, on dualphi's wasm kernels and on
 * TensorFlow.js's wasm and cpu backends doing the same arithmetic, and prints the ratios.
 *
 * Fairness notes: tfjs runs the same operations without autodiff (the gradients are written
 * out by hand in tfjs ops, as dualphi computes them; see `bench/tfjs.ts`). Both backends and
 * dualphi compute synchronously and single-threaded in Node.
 */
import { getDefaultKernels } from '@dualphi/optimizer';
import { type BenchCase, benchCases, fullSizes, quickSizes } from '../bench/data.js';
import { dualphiCases } from '../bench/dualphi.js';
import { measure } from '../bench/measure.js';
import { loadTfjs, type TfBackend, tfjsCases } from '../bench/tfjs.js';
import { CliError, errorMessage } from '../errors.js';
import type { CommandContext } from '../program.js';
import { formatRatio } from '../terminal/format.js';
import { renderTable } from '../terminal/table.js';

/** Options of `bench`. */
export interface BenchOptions {
  quick?: boolean;
  full?: boolean;
  repeat?: number;
}

/** One row of the `bench --json` document. */
export interface BenchRow extends BenchCase {
  /** Median microseconds per call, by implementation (`dualphi-wasm`, `tfjs-wasm`, `tfjs-cpu`). */
  microseconds: Record<string, number | null>;
  /** tfjs time ÷ dualphi time (> 1: dualphi is faster), by tfjs backend. */
  speedup: Record<string, number | null>;
}

/** The `bench --json` document. */
export interface BenchDocument {
  mode: 'quick' | 'full';
  repeat: number;
  node: string;
  rows: BenchRow[];
  notes: string[];
}

function formatMicroseconds(value: number | null): string {
  if (value === null) return '—';
  return value >= 1000 ? `${(value / 1000).toFixed(2)} ms` : `${value.toFixed(1)} µs`;
}

/** Runs `bench`. */
export async function benchCommand(options: BenchOptions, context: CommandContext): Promise<void> {
  const { output } = context;
  const mode = options.full ? 'full' : 'quick';
  const sizes = mode === 'full' ? fullSizes : quickSizes;
  const repeat = options.repeat ?? (mode === 'full' ? 21 : 7);
  const cases = benchCases(sizes);
  const notes: string[] = [];

  const kernels = await getDefaultKernels();
  const dualphi = dualphiCases(kernels, sizes);
  const timings: Record<string, Record<string, number | null>> = Object.fromEntries(
    cases.map((c) => [c.id, {}]),
  );
  output.message(output.errorColors.dim(`Timing dualphi (${kernels.name}) …`));
  try {
    for (const benchCase of cases) {
      const entry = dualphi.get(benchCase.id);
      timings[benchCase.id]['dualphi-wasm'] = entry ? measure(entry.run, repeat) : null;
    }
  } catch (error) {
    throw new CliError(`dualphi kernels failed during the benchmark: ${errorMessage(error)}`);
  } finally {
    for (const entry of dualphi.values()) entry.dispose();
  }

  const tf = await loadTfjs();
  if (!tf.ok) {
    notes.push(tf.reason);
    output.message(output.errorColors.yellow(tf.reason));
  }
  const backends: TfBackend[] = ['wasm', 'cpu'];
  for (const backend of backends) {
    const label = `tfjs-${backend}`;
    if (!tf.ok) {
      for (const benchCase of cases) timings[benchCase.id][label] = null;
      continue;
    }
    if (!(await tf.setBackend(backend))) {
      notes.push(`tfjs backend "${backend}" could not be initialised; its column is empty.`);
      for (const benchCase of cases) timings[benchCase.id][label] = null;
      continue;
    }
    output.message(output.errorColors.dim(`Timing ${label} …`));
    const tfCases = tfjsCases(tf.tf, sizes);
    try {
      for (const benchCase of cases) {
        const entry = tfCases.get(benchCase.id);
        timings[benchCase.id][label] = entry ? measure(entry.run, repeat) : null;
      }
    } finally {
      for (const entry of tfCases.values()) entry.dispose();
    }
  }

  const rows: BenchRow[] = cases.map((benchCase) => {
    const microseconds = timings[benchCase.id];
    const base = microseconds['dualphi-wasm'];
    const speedup: Record<string, number | null> = {};
    for (const backend of backends) {
      const other = microseconds[`tfjs-${backend}`];
      speedup[`tfjs-${backend}`] = base && other ? other / base : null;
    }
    return { ...benchCase, microseconds, speedup };
  });
  notes.push(
    'speedup = tfjs time ÷ dualphi time (above 1: dualphi is faster); medians of timed batches; single thread.',
  );
  const document: BenchDocument = { mode, repeat, node: process.version, rows, notes };
  if (output.json) {
    output.document(document);
    return;
  }
  const c = output.colors;
  const ratio = (value: number | null) =>
    value === null ? '—' : value >= 1 ? c.green(formatRatio(value)) : c.yellow(formatRatio(value));
  output.result(
    renderTable(
      ['case', 'size', 'dualphi wasm', 'tfjs-wasm', 'tfjs-cpu', 'vs tfjs-wasm', 'vs tfjs-cpu'],
      rows.map((row) => [
        row.name,
        row.size,
        formatMicroseconds(row.microseconds['dualphi-wasm']),
        formatMicroseconds(row.microseconds['tfjs-wasm']),
        formatMicroseconds(row.microseconds['tfjs-cpu']),
        ratio(row.speedup['tfjs-wasm']),
        ratio(row.speedup['tfjs-cpu']),
      ]),
      c,
      {
        alignRight: [2, 3, 4, 5, 6],
        width: output.resultWidth,
        shortHead: { 2: 'dualphi', 5: 'vs wasm', 6: 'vs cpu' },
        dropOrder: [4, 3],
      },
    ),
  );
  for (const note of notes) output.result(c.dim(note));
}
