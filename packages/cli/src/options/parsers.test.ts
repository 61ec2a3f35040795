import { InvalidArgumentError } from 'commander';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  choiceList,
  csvDelimiter,
  hiddenLayers,
  nonEmpty,
  openUnitInterval,
  positiveInteger,
  positiveNumber,
  seed,
  unitInterval,
} from './parsers.js';

describe('argument parsers', () => {
  it('nonEmpty refuses empty and blank values and keeps others as given', () => {
    const parse = nonEmpty('a CSV file');
    expect(parse(' a.csv')).toBe(' a.csv');
    for (const bad of ['', ' ', '\t']) {
      expect(() => parse(bad)).toThrow('Allowed: a CSV file (got an empty value).');
    }
  });

  it('csvDelimiter takes auto, one character or a name, and refuses number and CSV syntax', () => {
    expect(csvDelimiter('auto')).toBe('auto');
    expect(csvDelimiter(';')).toBe(';');
    expect(csvDelimiter('tab')).toBe('\t');
    expect(csvDelimiter('\\t')).toBe('\t');
    expect(csvDelimiter('Semicolon')).toBe(';');
    expect(csvDelimiter('space')).toBe(' ');
    for (const bad of ['', ';;', '"', '.', '-', '+', '7', 'tabs']) {
      expect(() => csvDelimiter(bad), bad).toThrow(InvalidArgumentError);
    }
  });

  it('positiveInteger accepts whole numbers ≥ 1 and nothing else', () => {
    expect(positiveInteger('1')).toBe(1);
    expect(positiveInteger('250')).toBe(250);
    for (const bad of ['0', '-1', '1.5', '1e3', '', ' ', 'ten', 'NaN', 'Infinity', '0x10']) {
      expect(() => positiveInteger(bad), bad).toThrow(InvalidArgumentError);
    }
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), (n) => positiveInteger(String(n)) === n),
    );
  });

  it('seed accepts 0 … 2³² − 1', () => {
    expect(seed('0')).toBe(0);
    expect(seed('4294967295')).toBe(4294967295);
    expect(() => seed('4294967296')).toThrow(/4294967295/);
    expect(() => seed('-1')).toThrow(InvalidArgumentError);
  });

  it('numbers: finite, in range, with the range in the message', () => {
    expect(positiveNumber('3e-4')).toBe(3e-4);
    expect(() => positiveNumber('0')).toThrow('> 0');
    expect(() => positiveNumber('Infinity')).toThrow('finite');
    expect(() => positiveNumber('1e400')).toThrow('finite');
    // Number() reads these as 16 and 3: a learning rate of 16 from a typo.
    expect(() => positiveNumber('0x10')).toThrow('decimal');
    expect(() => unitInterval('0b0')).toThrow('decimal');
    expect(positiveNumber(' .5 ')).toBe(0.5);
    expect(unitInterval('0')).toBe(0);
    expect(unitInterval('0.874')).toBe(0.874);
    expect(() => unitInterval('1')).toThrow('[0, 1)');
    expect(() => openUnitInterval('0')).toThrow('(0, 1)');
    expect(openUnitInterval('0.2')).toBe(0.2);
  });

  it('hiddenLayers parses comma lists, 0/none for no hidden layer', () => {
    expect(hiddenLayers('128')).toEqual([128]);
    expect(hiddenLayers(' 256, 128 ')).toEqual([256, 128]);
    expect(hiddenLayers('0')).toEqual([]);
    expect(hiddenLayers('none')).toEqual([]);
    for (const bad of ['', '256,', ',128', '12.5', '-4', 'a,b', '0,128', '70000']) {
      expect(() => hiddenLayers(bad), bad).toThrow(InvalidArgumentError);
    }
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 65536 }), { minLength: 1, maxLength: 6 }),
        (sizes) => {
          expect(hiddenLayers(sizes.join(','))).toEqual(sizes);
        },
      ),
    );
  });

  it('choiceList keeps order, drops duplicates and names unknown items', () => {
    const parse = choiceList(['golden', 'adam', 'sgd']);
    expect(parse('adam,golden,adam')).toEqual(['adam', 'golden']);
    expect(() => parse('golden,rmsprop')).toThrow(
      /Unknown: rmsprop\. Allowed: .*golden, adam, sgd/,
    );
    expect(() => parse(',')).toThrow(InvalidArgumentError);
  });
});
