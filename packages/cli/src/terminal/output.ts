/**
 * Where each kind of output goes, decided once per run.
 *
 * - `--json`: exactly one JSON document on stdout (`document`), everything else on stderr.
 * - Otherwise results go to stdout, progress and messages to stderr.
 * - The live progress bar is drawn only when stderr is a terminal; colours only when their
 *   stream is a terminal (or FORCE_COLOR is set), `NO_COLOR` is unset and `--no-color` not given.
 */
import { createColors } from 'picocolors';

/** The colour functions picocolors provides (identity functions when colour is off). */
export type Colors = ReturnType<typeof createColors>;

/** A writable text stream, as `process.stdout` / `process.stderr` are. */
export interface TextStream {
  /** Writes the text (UTF-8); the return value is ignored. */
  write(text: string): unknown;
  /** True for a terminal: live progress bars and aligned rows, colours unless turned off. */
  isTTY?: boolean;
  /** The terminal's width in characters, where known. */
  columns?: number;
}

/** Settings of one run's output. */
export interface OutputOptions {
  /** `--json`: one JSON document on stdout. */
  json: boolean;
  /** `--no-color` given (commander stores it as `color: false`). */
  noColor?: boolean;
  /** Defaults to `process.stdout`. */
  stdout?: TextStream;
  /** Defaults to `process.stderr`. */
  stderr?: TextStream;
  /** Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** Whether colour escapes may be written to `stream` (NO_COLOR / FORCE_COLOR respected). */
export function colorsEnabled(
  stream: TextStream,
  env: NodeJS.ProcessEnv,
  noColor = false,
): boolean {
  if (noColor) return false;
  // https://no-color.org: any non-empty value disables colour.
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** The output channels of one command run. */
export class Output {
  /** True under `--json`. */
  readonly json: boolean;
  /** True when a live progress bar may be drawn on stderr (a terminal; also under `--json`). */
  readonly interactive: boolean;
  /** True when results go to a terminal (aligned table rows); false for pipes and files. */
  readonly resultIsTerminal: boolean;
  /** Colours for text written to the result stream. */
  readonly colors: Colors;
  /** Colours for text written to stderr. */
  readonly errorColors: Colors;
  /** The stream progress bars draw on. */
  readonly progressStream: TextStream;
  private readonly stdout: TextStream;
  private readonly stderr: TextStream;
  private documentWritten = false;

  /** @param options - see {@link OutputOptions}. */
  constructor(options: OutputOptions) {
    this.json = options.json;
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    const env = options.env ?? process.env;
    this.interactive = this.stderr.isTTY === true && env.TERM !== 'dumb';
    const resultStream = this.json ? this.stderr : this.stdout;
    this.resultIsTerminal = !this.json && resultStream.isTTY === true && env.TERM !== 'dumb';
    this.colors = createColors(colorsEnabled(resultStream, env, options.noColor));
    this.errorColors = createColors(colorsEnabled(this.stderr, env, options.noColor));
    this.progressStream = this.stderr;
  }

  /** A line of the command's human-readable result (stdout; stderr under `--json`). */
  result(line = ''): void {
    (this.json ? this.stderr : this.stdout).write(`${line}\n`);
  }

  /** A status message: always stderr, so stdout stays a clean result or JSON document. */
  message(line: string): void {
    this.stderr.write(`${line}\n`);
  }

  /** The error line of a failed run. */
  error(line: string): void {
    this.stderr.write(`${this.errorColors.red('error:')} ${line}\n`);
  }

  /**
   * Writes the run's JSON document to stdout (only under `--json`, only once).
   * Non-finite numbers become `null`, since JSON has no NaN.
   */
  document(value: unknown): void {
    if (!this.json) return;
    if (this.documentWritten) throw new Error('internal: a second JSON document was written');
    this.documentWritten = true;
    this.stdout.write(jsonText(value));
  }
}

/**
 * A document as `--json` prints it and as the run files (`metrics.json`, `comparison.json`)
 * hold it: indented, newline-terminated, {@link jsonReplacer} applied.
 */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, jsonReplacer, 2)}\n`;
}

/** JSON.stringify replacer: NaN/±∞ → null, typed arrays → plain arrays. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number>);
  }
  return value;
}
