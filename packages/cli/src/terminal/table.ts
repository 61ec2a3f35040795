/**
 * Tables for results (compare, evaluate, bench, constants), drawn by cli-table3.
 * Without colour the borders are plain ASCII-compatible box characters and no escapes.
 *
 * Given the terminal's width, a table that would wrap (a wrapped box table is unreadable)
 * first takes its columns' short titles, then leaves out columns in the caller's order.
 */
import { stripVTControlCharacters } from 'node:util';
import Table from 'cli-table3';
import type { Colors } from './output.js';

/** How a table fits a narrow terminal. */
export interface TableOptions {
  /** Columns whose cells are right-aligned (numbers). */
  alignRight?: readonly number[];
  /** The terminal's width; undefined (a pipe or a file) draws every column. */
  width?: number;
  /** Shorter titles, by column, used first when the table is too wide. */
  shortHead?: Readonly<Record<number, string>>;
  /** Columns to leave out, first to last, while the table is still too wide. */
  dropOrder?: readonly number[];
}

function draw(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  colors: Colors,
  alignRight: ReadonlySet<number>,
  shown: readonly number[],
): string {
  const table = new Table({
    head: shown.map((index) => colors.bold(head[index])),
    style: { head: [], border: [], compact: true },
    colAligns: shown.map((index) => (alignRight.has(index) ? 'right' : 'left')),
  });
  for (const row of rows) table.push(shown.map((index) => row[index]));
  return table.toString();
}

/** The widest line of a drawn table, in terminal columns (colour escapes do not count). */
export function tableWidth(text: string): number {
  return Math.max(0, ...text.split('\n').map((line) => stripVTControlCharacters(line).length));
}

/** Renders rows under a header as a boxed table that fits `options.width` where it can. */
export function renderTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  colors: Colors,
  options: TableOptions = {},
): string {
  const alignRight = new Set(options.alignRight ?? []);
  const shown = head.map((_, index) => index);
  let titles = [...head];
  let text = draw(titles, rows, colors, alignRight, shown);
  const { width } = options;
  if (width === undefined || tableWidth(text) <= width) return text;
  titles = head.map((title, index) => options.shortHead?.[index] ?? title);
  text = draw(titles, rows, colors, alignRight, shown);
  for (const index of options.dropOrder ?? []) {
    if (tableWidth(text) <= width) break;
    shown.splice(shown.indexOf(index), 1);
    text = draw(titles, rows, colors, alignRight, shown);
  }
  return text;
}
