/** Options of {@link describeWithoutChromium}. */
export interface WithoutChromiumOptions {
  /** The package's directory (where its vitest config is). */
  packageRoot: string;
  /** Its browser test file, relative to `packageRoot`. */
  testFile: string;
  /** What the file tests, for the suite's name ("the browser test"). */
  what: string;
}

/**
 * Declares the two cases for one package's browser test file: skipped with one line outside
 * CI, failing at once under CI=true.
 */
export function describeWithoutChromium(options: WithoutChromiumOptions): void;
