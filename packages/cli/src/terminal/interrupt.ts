/**
 * Stopping a training run by signal: Ctrl-C (SIGINT), SIGTERM (what `timeout`, `docker stop` and
 * a CI cancel send) and SIGHUP (a closed terminal) all do the same. The first aborts through an
 * AbortSignal so the command can finish cleanly (`train` saves a checkpoint and says how to
 * resume, `compare` shows the runs that finished) and then exits with 128 + the signal's number
 * (130, 143, 129); a second signal of any of them leaves at once with that status, and the
 * `exit` hooks remove the temporary files of writes in progress.
 */
import { ExitCode } from '../errors.js';
import type { Output } from './output.js';

/** The signals handled, with the exit status each one ends the process with. */
export const stopSignals = {
  SIGINT: ExitCode.interrupted,
  SIGTERM: ExitCode.terminated,
  SIGHUP: ExitCode.hangup,
} as const;

/** One of {@link stopSignals}. */
export type StopSignal = keyof typeof stopSignals;

/** The signal handlers installed for the duration of one training run. */
export interface Interrupt {
  /** Aborted by the first signal. */
  readonly signal: AbortSignal;
  /** The first signal received, or undefined while none came. */
  readonly received: StopSignal | undefined;
  /** The exit status for the first signal received (130 when none came). */
  readonly exitCode: number;
  /** Removes the handlers (call in `finally`). */
  dispose(): void;
}

/** How the first message names a signal: Ctrl-C is the usual one, the others are named. */
function describe(signal: StopSignal): { what: string; again: string } {
  if (signal === 'SIGINT') return { what: 'Interrupted', again: 'Ctrl-C again to quit at once' };
  return {
    what: `Interrupted by ${signal}`,
    again: 'a second signal quits at once',
  };
}

/**
 * Installs the two-stage handler of SIGINT, SIGTERM and SIGHUP.
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
  let received: StopSignal | undefined;
  const onSignal = (signal: StopSignal) => {
    if (received === undefined) {
      received = signal;
      beforeExit?.();
      const { what, again } = describe(signal);
      output.message(
        output.errorColors.yellow(
          `${what}: stopping after this batch and ${afterStop} (${again}).`,
        ),
      );
      controller.abort(new Error(`interrupted by ${signal}`));
      return;
    }
    beforeExit?.();
    output.message(output.errorColors.red('Interrupted again: quitting without saving.'));
    process.exit(stopSignals[received]);
  };
  const handlers = (Object.keys(stopSignals) as StopSignal[]).map(
    (signal) => [signal, () => onSignal(signal)] as const,
  );
  for (const [signal, handler] of handlers) process.on(signal, handler);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    get exitCode() {
      return received === undefined ? ExitCode.interrupted : stopSignals[received];
    },
    dispose: () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    },
  };
}
