/**
 * `@dualphi/cli`: the `dualphi` command line. The binary (`bin/dualphi.js`) calls
 * {@link run}; tests and embedding programs can do the same.
 *
 * @packageDocumentation
 */

export { CliError, ExitCode, UsageError } from './errors.js';
export { writeFileAtomic } from './files/atomic.js';
export { createProgram, type RunIo, run } from './program.js';
export type { TextStream } from './terminal/output.js';
