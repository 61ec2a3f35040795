/**
 * Errors the command line turns into an exit status and one line of text.
 *
 * Anything else that reaches the top is an unexpected failure: it is still reported as one
 * line (exit 1), with the stack trace only under `--debug`.
 */

/** Exit statuses of the `dualphi` command. */
export const ExitCode = {
  /** Success. */
  ok: 0,
  /** The command ran and failed: bad data, unreadable file, diverged training, … */
  failure: 1,
  /** The command line itself is wrong: unknown flag, bad value, missing argument. */
  usage: 2,
  /** Interrupted by Ctrl-C, the first (after saving what it can) or a second (128 + SIGINT). */
  interrupted: 130,
  /** Stopped by SIGTERM (`timeout`, `docker stop`, a CI cancel), as Ctrl-C does: 128 + 15. */
  terminated: 143,
  /** Stopped by SIGHUP (the terminal closed), as Ctrl-C does: 128 + 1. */
  hangup: 129,
} as const;

/** A failure the user can act on; its message is shown as is (exit status 1). */
export class CliError extends Error {
  /** Exit status the process ends with. */
  readonly exitCode: number;
  /**
   * @param message - what is wrong and, where it helps, what to do about it.
   * @param exitCode - defaults to {@link ExitCode.failure}.
   */
  constructor(message: string, exitCode: number = ExitCode.failure) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A wrong command line found after commander's own parsing (exit status 2). */
export class UsageError extends CliError {
  /** @param message - names the flag and the values it allows. */
  constructor(message: string) {
    super(message, ExitCode.usage);
    this.name = 'UsageError';
  }
}

/**
 * The function (and structure) names the library packages start their messages with
 * (`parseCsv: …`, `trainTestSplit: …`, `Mlp.setWeights: …`). They are right for someone who
 * called the function; a command-line user never did, so the CLI drops them.
 */
const libraryPrefix =
  /(^|: )(?:parseCsv|parseIdx|idxDataset|trainTestSplit|subset|train|evaluate|network|resume|checkpoint|model|loadKernels|optimizerFromConfig|restoreOptimizerState|Mlp\.\w+): /g;

/**
 * The message of any thrown value, for the one-line error report, without the library's
 * function-name prefixes (see {@link libraryPrefix}).
 */
export function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(libraryPrefix, '$1');
}
