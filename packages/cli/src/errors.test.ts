import { describe, expect, it } from 'vitest';
import { CliError, errorMessage } from './errors.js';

describe('errorMessage', () => {
  it('drops the library’s function-name prefixes, at the start or after a path', () => {
    expect(errorMessage(new RangeError('trainTestSplit: testFraction 0.1 of 3 samples'))).toBe(
      'testFraction 0.1 of 3 samples',
    );
    expect(errorMessage(new Error('/data/a.csv: parseCsv: ragged row (at line 4)'))).toBe(
      '/data/a.csv: ragged row (at line 4)',
    );
    expect(errorMessage(new Error('run/model.dualphi: Mlp.setWeights: 3 tensors'))).toBe(
      'run/model.dualphi: 3 tensors',
    );
    expect(errorMessage(new CliError('train: the loss became NaN'))).toBe('the loss became NaN');
  });

  it('keeps everything else, including words that only look like a prefix', () => {
    for (const text of [
      'cannot read /tmp/x.csv: no such file',
      '--data digits: every training label is the same class',
      'the model: its train: set',
      'retrain: x',
    ]) {
      expect(errorMessage(new Error(text))).toBe(text);
    }
    expect(errorMessage('plain string')).toBe('plain string');
  });
});
