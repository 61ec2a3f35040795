import { describe, expect, it } from 'vitest';
import {
  formatAngle,
  formatConstant,
  formatNats,
  formatPercent,
  formatRate,
  formatSeconds,
} from './format.js';
import { epochHeader, epochPlainLine, epochTableRow } from './progress.js';

describe('formatting', () => {
  it('formats each kind of figure', () => {
    expect(formatNats(0.123456)).toBe('0.1235');
    expect(formatNats(Number.NaN)).toBe('—');
    expect(formatPercent(0.97222)).toBe('97.22%');
    expect(formatAngle(Math.PI / 4)).toBe('45.0°');
    expect(formatAngle(Number.NaN)).toBe('—');
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
      balanceAngle: Math.PI / 4,
      seconds: 1.5,
    };
    expect(epochTableRow(row, 10).length).toBe(epochHeader().length);
    expect(epochPlainLine(row, 10)).toBe(
      'epoch 3/10: train loss 0.5000, test loss 0.4000, accuracy 90.00%, divergence 0.4000, entropy 0.0000, prediction entropy 0.7000, balance 45.0°, 1.5s',
    );
    // With a validation split the plain line names its accuracy before the test figures.
    expect(epochPlainLine({ ...row, validationAccuracy: 0.95 }, 10)).toBe(
      'epoch 3/10: train loss 0.5000, validation accuracy 95.00%, test loss 0.4000, accuracy 90.00%, divergence 0.4000, entropy 0.0000, prediction entropy 0.7000, balance 45.0°, 1.5s',
    );
  });
});
