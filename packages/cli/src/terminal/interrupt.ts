/**
 * Ctrl-C during training: the first SIGINT aborts through an AbortSignal so the command can
 * finish cleanly (`train` saves a checkpoint and says how to resume, `compare` shows the runs
 * that finished); a second SIGINT leaves at once with status 130.
 */
import { ExitCode } from '../errors.js';
import type { Output } from './output.js';

/** A SIGINT handler installed for the duration of one training run. */
export interface Interrupt {
  /** Aborted by the first Ctrl-C. */
  readonly signal: AbortSignal;
  /** Removes the handler (call in `finally`). */
  dispose(): void;
}

/**
 * Installs the two-stage SIGINT handler.
 * @param output - where the "stopping…" message goes.
 * @param beforeExit - called before the immediate exit (e.g. to stop a progress bar).
 * @param afterStop - what the command does once the batch is done, for the message.
 */
export function handleInterrupts(
  output: Output,
  beforeExit?: () => void,
  afterStop = 'saving a checkpoint',
): Interrupt {
  const controller = new AbortController();
  const onSigint = () => {
    if (!controller.signal.aborted) {
      beforeExit?.();
      output.message(
        output.errorColors.yellow(
          `Interrupted: stopping after this batch and ${afterStop} (Ctrl-C again to quit at once).`,
        ),
      );
      controller.abort(new Error('interrupted by SIGINT'));
      return;
    }
    beforeExit?.();
    output.message(output.errorColors.red('Interrupted again: quitting without saving.'));
    process.exit(ExitCode.interrupted);
  };
  process.on('SIGINT', onSigint);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSigint);
    },
  };
}
