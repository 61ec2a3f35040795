/**
 * Word-wrapping of prose lines for a terminal of known width: a terminal breaks a long line
 * at the last column, mid-word; this breaks it between words and indents what follows.
 */
import { stripVTControlCharacters } from 'node:util';

/** Columns a line takes on the terminal (colour escapes take none). */
export function visibleLength(text: string): number {
  return stripVTControlCharacters(text).length;
}

/**
 * Breaks `text` between words so that each line fits `width`, continuation lines indented
 * by two spaces. Text that fits, has line breaks of its own (a table) or meets an unknown
 * width is returned as it is; a single word longer than the width (a path) stays whole.
 */
export function wrapText(text: string, width: number | undefined): string {
  if (width === undefined || text.includes('\n') || visibleLength(text) <= width) return text;
  const indent = '  ';
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (line !== '' && visibleLength(candidate) > width) {
      lines.push(line);
      line = `${indent}${word}`;
    } else {
      line = candidate;
    }
  }
  lines.push(line);
  return lines.join('\n');
}
