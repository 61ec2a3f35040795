import { describe, expect, it } from 'vitest';
import {
  formatConstant,
  formatDegrees,
  formatNats,
  formatPercent,
  formatRate,
  formatSeconds,
} from './format.js';
import { Output, type TextStream } from './output.js';
import {
  epochHeader,
  epochLayout,
  epochPlainLine,
  epochTableRow,
  progressBarFormat,
} from './progress.js';
import { wrapText } from './wrap.js';

describe('formatting', () => {
  it('formats each kind of figure', () => {
    expect(formatNats(0.123456)).toBe('0.1235');
    expect(formatNats(Number.NaN)).toBe('—');
    expect(formatPercent(0.97222)).toBe('97.22%');
    expect(formatDegrees(45)).toBe('45.0°');
    expect(formatDegrees(Number.NaN)).toBe('—');
    expect(formatRate(123456.7)).toBe('123,457');
    expect(formatSeconds(0.0123)).toBe('12ms');
    expect(formatSeconds(2.345)).toBe('2.3s');
    expect(formatSeconds(65)).toBe('1m 05s');
    expect(formatConstant(0.8740320488976423)).toBe('0.874032048897642');
  });

  it('epoch rows line up under the header', () => {
    const row = {
      epoch: 3,
      trainLoss: 0.5,
      testLoss: 0.4,
      testAccuracy: 0.9,
      divergence: 0.4,
      entropy: 0,
      predictionEntropy: 0.7,
      balanceDegrees: 45,
      seconds: 1.5,
    };
    expect(epochTableRow(row, 10).length).toBe(epochHeader(epochLayout(10)).length);
    expect(epochPlainLine(row, 10)).toBe(
      'epoch 3/10: train loss 0.5000, test loss 0.4000, accuracy 90.00%, divergence 0.4000, entropy 0.0000, prediction entropy 0.7000, balance 45.0°, 1.5s',
    );
    // With a validation split the plain line names its accuracy before the test figures.
    expect(epochPlainLine({ ...row, validationAccuracy: 0.95 }, 10)).toBe(
      'epoch 3/10: train loss 0.5000, validation accuracy 95.00%, test loss 0.4000, accuracy 90.00%, divergence 0.4000, entropy 0.0000, prediction entropy 0.7000, balance 45.0°, 1.5s',
    );
  });

  it('the epoch table leaves out columns to fit a width, never epoch or accuracy', () => {
    const row = {
      epoch: 3,
      trainLoss: 0.5,
      testLoss: 0.4,
      testAccuracy: 0.9,
      divergence: 0.4,
      entropy: 0,
      predictionEntropy: 0.7,
      balanceDegrees: 45,
      seconds: 1.5,
    };
    expect(epochHeader(epochLayout(40))).toContain('entropy');
    for (const width of [20, 40, 60, 80, 120]) {
      const layout = epochLayout(40, width);
      const header = epochHeader(layout);
      expect(header.length).toBeLessThanOrEqual(Math.max(width, 14));
      expect(epochTableRow(row, 40, layout).length).toBe(header.length);
      expect(header).toMatch(/epoch.*accuracy/);
    }
    // Target entropy goes first: 0 with one-hot labels.
    expect(epochHeader(epochLayout(40, 70))).not.toContain('entropy');
    expect(epochHeader(epochLayout(40, 70))).toContain('H(q)');
  });

  it('the progress bar format fits the width with its longest usual values', () => {
    for (const width of [40, 60, 80, 120]) {
      const { format, barsize } = progressBarFormat('golden-rounded ', 40, 1875, width);
      const line = format
        .replace('{epoch}', '40/40')
        .replace('{bar}', '#'.repeat(barsize))
        .replace('{value}/{total}', '1875/1875')
        .replace('{rate}', '1,234,567')
        .replace('{eta_formatted}', '1h23m')
        .replace('{loss}', '12.3456');
      expect(line.length, line).toBeLessThan(width);
    }
    expect(progressBarFormat('', 40, 45).format).toContain('samples/s');
  });

  it('wraps prose between words on a terminal, never tables or unknown widths', () => {
    const text = 'one two three four five six';
    expect(wrapText(text, undefined)).toBe(text);
    expect(wrapText(text, 12)).toBe('one two\n  three four\n  five six');
    expect(wrapText('a\nlong table line', 4)).toBe('a\nlong table line');
    expect(wrapText('/a/very/long/path', 5)).toBe('/a/very/long/path');
  });

  it('knows the width of a terminal only (80 when it does not say)', () => {
    const stream = (isTTY: boolean, columns?: number): TextStream => ({
      isTTY,
      columns,
      write: () => true,
    });
    const at = (isTTY: boolean, columns?: number) =>
      new Output({
        json: false,
        stdout: stream(isTTY, columns),
        stderr: stream(isTTY, columns),
        env: {},
      });
    expect(at(false, 100).resultWidth).toBeUndefined();
    expect(at(true, 100).resultWidth).toBe(100);
    expect(at(true).resultWidth).toBe(80);
    expect(at(true, 100).progressWidth).toBe(100);
  });
});
