/**
 * The part of Papa Parse's API that `csv-tokenize.ts` uses. Declared here rather than taken
 * from `@types/papaparse`, which references Node's stream types: this package builds without
 * Node types so that nothing in it can depend on Node built-ins.
 */
declare module 'papaparse/papaparse.js' {
  /** A problem Papa Parse found, with its offset in the text. */
  interface ParseError {
    type: string;
    code: string;
    message: string;
    row?: number;
    index?: number;
  }
  /** What the `step` callback receives for each record. */
  interface ParseStepResult {
    data: string[];
    errors: ParseError[];
    meta: { cursor: number; delimiter: string };
  }
  /** The running parser, as passed to `step`. */
  interface Parser {
    abort(): void;
  }
  /** The options used here. */
  interface ParseConfig {
    delimiter?: string;
    newline?: string;
    quoteChar?: string;
    escapeChar?: string;
    preview?: number;
    skipEmptyLines?: boolean | 'greedy';
    step?: (results: ParseStepResult, parser: Parser) => void;
  }
  /** The result of parsing without `step`. */
  interface ParseResult {
    data: string[][];
    errors: ParseError[];
  }
  const Papa: { parse(input: string, config: ParseConfig): ParseResult };
  export default Papa;
}
