/**
 * Tables for results (compare, evaluate, bench, constants), drawn by cli-table3.
 * Without colour the borders are plain ASCII-compatible box characters and no escapes.
 */
import Table from 'cli-table3';
import type { Colors } from './output.js';

/** Renders rows under a header as a boxed table. */
export function renderTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  colors: Colors,
  options: { alignRight?: readonly number[] } = {},
): string {
  const alignRight = new Set(options.alignRight ?? []);
  const table = new Table({
    head: head.map((title) => colors.bold(title)),
    style: { head: [], border: [], compact: true },
    colAligns: head.map((_, index) => (alignRight.has(index) ? 'right' : 'left')),
  });
  for (const row of rows) table.push([...row]);
  return table.toString();
}
