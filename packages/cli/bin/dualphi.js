#!/usr/bin/env node
// The `dualphi` command: everything lives in the built package (dist/); see src/program.ts.
import { run } from '../dist/index.js';

process.exitCode = await run(process.argv.slice(2));
