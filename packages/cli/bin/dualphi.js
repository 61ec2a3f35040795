#!/usr/bin/env node
// The `dualphi` command: everything lives in the built package (dist/); see src/program.ts.
import { run } from '../dist/index.js';

// A reader that stops early (`dualphi train | head`) closes the pipe: leave quietly, as
// command-line tools do, instead of crashing with EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await run(process.argv.slice(2));
