/**
 * Part `sweep-workers`: does `dualphi sweep --workers 2` on two cores finish the same sweep at
 * least 1.8× faster than `--workers 1` (issue 11)? One small sweep — the embedded digits,
 * 64-128-10, batch 32, 100 epochs, a 4 × 4 grid of (η, α), 2 seeds: 32 runs, enough to keep
 * two workers busy to the end, some 14 s with one worker on a quiet core (at 40 epochs the
 * runs are so short that starting the worker threads weighs on the figure; sweeps users run
 * last minutes) — run by the built binary with 1 and 2 workers alternately (a warm-up round
 * first, then the timed rounds), so that a load change on a shared machine hits both alike.
 * Each round's ratio pairs its two runs; the median of those ratios is the figure.
 * Every run's document, apart from `timings` and `machine`, must be identical: the workers
 * change the time, never a result.
 *
 * The machine's own ceiling, measured in the same round: two 1-worker sweeps as two separate
 * processes at once. Their throughput against one alone (2 × alone ÷ the slower of the two) is
 * what two cores give this workload with nothing shared but the hardware (caches, memory,
 * clock); on a shared virtual machine it can be well below 2.
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const binary = fileURLToPath(new URL('../../bin/dualphi.js', import.meta.url));

/** The sweep timed: the same arguments for every run but `--workers`. */
export const SWEEP_ARGS = [
  'sweep',
  '--json',
  '--lr',
  '0.004,golden,0.064,0.256',
  '--momentum',
  '0,0.5,golden,0.95',
  '--optimizers',
  'none',
  '--seeds',
  '2',
  '--epochs',
  '100',
  '--hidden',
  '128',
  '--batch',
  '32',
];

/** The target of issue 11: 2 workers on 2 cores at least this much faster than 1. */
export const TARGET = 1.8;

/** Runs the sweep once; resolves with its times and its deterministic document. */
function runSweep(workers) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [binary, ...SWEEP_ARGS, '--workers', String(workers)], {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text) => {
      stderr += text;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const processSeconds = (performance.now() - started) / 1000;
      if (code !== 0) {
        reject(new Error(`dualphi sweep --workers ${workers} exited ${code}:\n${stderr}`));
        return;
      }
      const { timings, machine, ...rest } = JSON.parse(stdout);
      resolve({
        workers: machine.workers,
        sweepSeconds: timings.seconds,
        processSeconds,
        deterministic: JSON.stringify(rest),
      });
    });
  });
}

/**
 * Runs the part.
 * @param {{ rounds: number, warmup: number, median: (xs: number[]) => number, round: (x: number, d?: number) => number, log: (line: string) => void }} options
 */
export async function sweepWorkers({ rounds, warmup, median, round, log }) {
  const cores = availableParallelism();
  if (cores < 2) log(`warning: ${cores} core available; the 2-worker target assumes 2 cores`);
  const timed = [];
  let reference;
  let identical = true;
  for (let r = 0; r < warmup + rounds; r++) {
    // Alternate which goes first, so neither always follows the other's cache or heat.
    const order = r % 2 === 0 ? [1, 2] : [2, 1];
    const pair = {};
    for (const workers of order) {
      const run = await runSweep(workers);
      if (run.workers !== workers)
        throw new Error(`asked for ${workers} workers, ran ${run.workers}`);
      reference ??= run.deterministic;
      if (run.deterministic !== reference) identical = false;
      pair[workers] = run;
    }
    // The ceiling: two independent 1-worker processes at the same time.
    const [a, b] = await Promise.all([runSweep(1), runSweep(1)]);
    for (const run of [a, b]) if (run.deterministic !== reference) identical = false;
    pair.ceiling = (2 * pair[1].sweepSeconds) / Math.max(a.sweepSeconds, b.sweepSeconds);
    const warm = r < warmup;
    log(
      `${warm ? 'warm-up' : `round ${r - warmup + 1}/${rounds}`}: 1 worker ${pair[1].sweepSeconds.toFixed(2)} s, ` +
        `2 workers ${pair[2].sweepSeconds.toFixed(2)} s, ratio ${(pair[1].sweepSeconds / pair[2].sweepSeconds).toFixed(3)}, ` +
        `two processes at once ${Math.max(a.sweepSeconds, b.sweepSeconds).toFixed(2)} s (ceiling ${pair.ceiling.toFixed(3)})`,
    );
    if (!warm) timed.push(pair);
  }
  const ratios = timed.map((pair) => pair[1].sweepSeconds / pair[2].sweepSeconds);
  const processRatios = timed.map((pair) => pair[1].processSeconds / pair[2].processSeconds);
  const ratio = median(ratios);
  const ceilings = timed.map((pair) => pair.ceiling);
  return {
    sweep: `dualphi ${SWEEP_ARGS.join(' ')} --workers 1|2`,
    runsPerSweep: 4 * 4 * 2,
    rounds,
    warmup,
    availableParallelism: cores,
    oneWorker: {
      medianSeconds: round(median(timed.map((pair) => pair[1].sweepSeconds)), 3),
      medianProcessSeconds: round(median(timed.map((pair) => pair[1].processSeconds)), 3),
    },
    twoWorkers: {
      medianSeconds: round(median(timed.map((pair) => pair[2].sweepSeconds)), 3),
      medianProcessSeconds: round(median(timed.map((pair) => pair[2].processSeconds)), 3),
    },
    ratio: {
      median: round(ratio, 3),
      min: round(Math.min(...ratios), 3),
      max: round(Math.max(...ratios), 3),
      medianWholeProcess: round(median(processRatios), 3),
    },
    ceiling: {
      median: round(median(ceilings), 3),
      min: round(Math.min(...ceilings), 3),
      max: round(Math.max(...ceilings), 3),
    },
    target: TARGET,
    met: ratio >= TARGET,
    identicalResults: identical,
  };
}

/** The lines of BENCHMARKS.md for a recorded result of this part. */
export function sweepWorkersMarkdown(result) {
  const r = result;
  return [
    '## Sweep workers (`sweep-workers`)',
    '',
    `The same sweep (${r.runsPerSweep} runs: \`${r.sweep}\`) with 1 and 2 worker threads, alternating, ${r.warmup} warm-up round(s) then ${r.rounds} timed rounds; the ratio pairs the two runs of each round. Time: the sweep's own \`timings.seconds\` (the whole process, with start-up and data loading, beside it). One worker trains in the command's own thread, two in two worker threads.`,
    '',
    '| workers | median time | whole process |',
    '| ------- | ----------- | ------------- |',
    `| 1 | ${r.oneWorker.medianSeconds.toFixed(2)} s | ${r.oneWorker.medianProcessSeconds.toFixed(2)} s |`,
    `| 2 | ${r.twoWorkers.medianSeconds.toFixed(2)} s | ${r.twoWorkers.medianProcessSeconds.toFixed(2)} s |`,
    '',
    `Speed-up (1 worker ÷ 2 workers, paired by round): median **${r.ratio.median.toFixed(2)}×** (min ${r.ratio.min.toFixed(2)}, max ${r.ratio.max.toFixed(2)}; whole process ${r.ratio.medianWholeProcess.toFixed(2)}×) on ${r.availableParallelism} available core(s). Target ≥ ${r.target}×: **${r.met ? 'met' : 'missed'}**. Results identical apart from timings and machine: **${r.identicalResults ? 'yes' : 'NO'}**.`,
    ...(r.ceiling
      ? [
          '',
          `The machine's ceiling in the same rounds: two 1-worker sweeps as separate processes at once reach **${r.ceiling.median.toFixed(2)}×** the throughput of one alone (min ${r.ceiling.min.toFixed(2)}, max ${r.ceiling.max.toFixed(2)}): what two cores give this workload with only the hardware shared.`,
        ]
      : []),
  ];
}
