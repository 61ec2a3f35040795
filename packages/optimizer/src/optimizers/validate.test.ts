import { describe, expect, it } from 'vitest';
import {
  OptimizerOptionError,
  requireHyperParameter,
  validateHyperParameter,
  validateHyperParameters,
} from './validate.js';

describe('validateHyperParameter', () => {
  it('accepts values inside the ranges', () => {
    expect(validateHyperParameter('x', 'learningRate', 0.016)).toBe(0.016);
    expect(validateHyperParameter('x', 'momentum', 0)).toBe(0);
    expect(validateHyperParameter('x', 'momentum', 0.999)).toBe(0.999);
    expect(validateHyperParameter('x', 'beta2', 0)).toBe(0);
    expect(validateHyperParameter('x', 'weightDecay', 0)).toBe(0);
    expect(validateHyperParameter('x', 'nesterov', true)).toBe(true);
  });

  it.each([
    ['learningRate', 0, 'must be a finite number > 0, got 0'],
    ['learningRate', -0.1, 'must be a finite number > 0, got -0.1'],
    ['learningRate', Number.NaN, 'must be a finite number > 0, got NaN'],
    ['learningRate', Number.POSITIVE_INFINITY, 'must be a finite number > 0, got Infinity'],
    ['learningRate', '0.1', 'must be a finite number > 0, got "0.1"'],
    ['momentum', 1, 'must be in [0, 1), got 1'],
    ['momentum', 1.2, 'must be in [0, 1), got 1.2'],
    ['momentum', -0.1, 'must be in [0, 1), got -0.1'],
    ['beta1', 1, 'must be in [0, 1), got 1'],
    ['beta2', -1e-9, 'must be in [0, 1), got -1e-9'],
    ['epsilon', 0, 'must be a finite number > 0, got 0'],
    ['weightDecay', -0.01, 'must be a finite number ≥ 0, got -0.01'],
    ['weightDecay', Number.NaN, 'must be a finite number ≥ 0, got NaN'],
    ['nesterov', 1, 'must be a boolean, got 1'],
  ])('%s = %s is an OptimizerOptionError naming option and range', (option, value, message) => {
    const call = () => validateHyperParameter('dualProcess', option, value);
    expect(call).toThrow(OptimizerOptionError);
    expect(call).toThrow(RangeError);
    expect(call).toThrow(`dualProcess: "${option}" ${message}`);
  });

  it('names unknown options and lists the known ones', () => {
    expect(() => validateHyperParameter('sgd', 'lr', 0.1)).toThrow(
      /sgd: "lr" is not a known option \(known: learningRate, momentum/,
    );
  });

  it('carries the optimizer, option and value on the error', () => {
    try {
      validateHyperParameter('adam', 'beta1', 2);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(OptimizerOptionError);
      const e = error as OptimizerOptionError;
      expect([e.optimizer, e.option, e.value, e.name]).toEqual([
        'adam',
        'beta1',
        2,
        'OptimizerOptionError',
      ]);
    }
  });
});

describe('validateHyperParameters', () => {
  it('validates every entry and drops undefined ones', () => {
    expect(
      validateHyperParameters('adam', { learningRate: 0.001, beta1: undefined }, [
        'learningRate',
        'beta1',
      ]),
    ).toEqual({ learningRate: 0.001 });
  });

  it('rejects options the optimizer does not have', () => {
    expect(() => validateHyperParameters('sgd', { momentum: 0.9 }, ['learningRate'])).toThrow(
      'sgd: "momentum" is not an option of sgd (allowed: learningRate), got 0.9',
    );
  });

  it('rejects a non-object', () => {
    expect(() => validateHyperParameters('sgd', null as never)).toThrow(
      /"options" must be an object/,
    );
  });

  it('requireHyperParameter names a missing option', () => {
    expect(() => requireHyperParameter('sgd', {}, 'learningRate')).toThrow(
      'sgd: "learningRate" is required and must be a finite number > 0, got undefined',
    );
    expect(() => requireHyperParameter('sgd', { learningRate: 0.1 }, 'learningRate')).not.toThrow();
  });
});
