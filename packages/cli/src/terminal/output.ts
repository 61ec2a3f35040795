/**
 * Where each kind of output goes, decided once per run.
 *
 * - `--json`: exactly one JSON document on stdout (`document`), everything else on stderr.
 * - Otherwise results go to stdout, progress and messages to stderr.
 * - The live progress bar is drawn only when stderr is a terminal; colours only when their
 *   stream is a terminal (or FORCE_COLOR is set), `NO_COLOR` is unset and `--no-color` not given.
 */
import { createColors } from 'picocolors';
import { wrapText } from './wrap.js';

/** The width assumed for a terminal that does not report one (the classic 80 columns). */
export const DEFAULT_TERMINAL_WIDTH = 80;

/** A stream's width in columns when it is a terminal, else undefined (pipes and files). */
function terminalWidth(stream: TextStream, isTerminal: boolean): number | undefined {
  if (!isTerminal) return undefined;
  const columns = stream.columns;
  return typeof columns === 'number' && Number.isInteger(columns) && columns > 0
    ? columns
    : DEFAULT_TERMINAL_WIDTH;
}

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
  private readonly resultStream: TextStream;
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
    this.resultStream = resultStream;
    this.resultIsTerminal = !this.json && resultStream.isTTY === true && env.TERM !== 'dumb';
    this.colors = createColors(colorsEnabled(resultStream, env, options.noColor));
    this.errorColors = createColors(colorsEnabled(this.stderr, env, options.noColor));
    this.progressStream = this.stderr;
  }

  /**
   * Columns available for results on a terminal (read at each call, so a resized window
   * counts; 80 when the terminal does not say), or undefined when results go to a pipe or a
   * file: tables and epoch rows adapt to a known width, plain output for scripts stays as is.
   */
  get resultWidth(): number | undefined {
    return terminalWidth(this.resultStream, this.resultIsTerminal);
  }

  /** Columns available on stderr, for the progress bar and messages (see {@link resultWidth}). */
  get progressWidth(): number | undefined {
    return terminalWidth(this.stderr, this.interactive);
  }

  /**
   * A line of the command's human-readable result (stdout; stderr under `--json`). On a
   * terminal a long prose line is broken between words to fit; tables (several lines) never.
   */
  result(line = ''): void {
    this.resultStream.write(`${wrapText(line, this.resultWidth)}\n`);
  }

  /**
   * A status message: always stderr, so stdout stays a clean result or JSON document. On a
   * terminal it is broken between words to fit, unless `wrap` is false (a command to copy).
   */
  message(line: string, options: { wrap?: boolean } = {}): void {
    const width = options.wrap === false ? undefined : this.progressWidth;
    this.stderr.write(`${wrapText(line, width)}\n`);
  }

  /** The error line of a failed run (broken between words to fit a terminal). */
  error(line: string): void {
    this.stderr.write(
      `${wrapText(`${this.errorColors.red('error:')} ${line}`, this.progressWidth)}\n`,
    );
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
 * A document as `--json` prints it and as the run files (`metrics.json`, `sweep.json`)
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
