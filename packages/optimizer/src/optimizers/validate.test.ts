import { describe, expect, it } from 'vitest';
import { adam, adamw } from './adam.js';
import { optimizerFromConfig } from './config.js';
import { dualProcess } from './dual-process.js';
import { momentum } from './momentum.js';
import { sgd } from './sgd.js';
import {
  checkFloat32,
  OptimizerOptionError,
  OptimizerOptionTypeError,
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
    ['momentum', 1, 'must be in [0, 1), got 1'],
    ['momentum', 1.2, 'must be in [0, 1), got 1.2'],
    ['momentum', -0.1, 'must be in [0, 1), got -0.1'],
    ['beta1', 1, 'must be in [0, 1), got 1'],
    ['beta2', -1e-9, 'must be in [0, 1), got -1e-9'],
    ['epsilon', 0, 'must be a finite number > 0, got 0'],
    ['weightDecay', -0.01, 'must be a finite number ≥ 0, got -0.01'],
    ['weightDecay', Number.NaN, 'must be a finite number ≥ 0, got NaN'],
  ])('%s = %s is an OptimizerOptionError naming option and range', (option, value, message) => {
    const call = () => validateHyperParameter('dualProcess', option, value);
    expect(call).toThrow(OptimizerOptionError);
    expect(call).toThrow(RangeError);
    expect(call).toThrow(`dualProcess: "${option}" ${message}`);
  });

  it.each([
    ['learningRate', '0.1', 'must be a finite number > 0, got "0.1"'],
    ['momentum', null, 'must be in [0, 1), got null'],
    ['epsilon', [1e-8], 'must be a finite number > 0, got an array'],
    ['nesterov', 1, 'must be a boolean, got 1'],
    ['telemetry', 'true', 'must be a boolean, got "true"'],
  ])('%s = %j (the wrong type) is a TypeError naming the option', (option, value, message) => {
    const call = () => validateHyperParameter('dualProcess', option, value);
    expect(call).toThrow(OptimizerOptionTypeError);
    expect(call).toThrow(TypeError);
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

  it('rejects a non-object with a TypeError', () => {
    for (const value of [null, 'fast', 0.1, [0.1]]) {
      const call = () => validateHyperParameters('sgd', value as never);
      expect(call).toThrow(TypeError);
      expect(call).toThrow(/sgd: "options" must be an object/);
    }
  });

  it('requireHyperParameter names a missing option', () => {
    expect(() => requireHyperParameter('sgd', {}, 'learningRate')).toThrow(
      'sgd: "learningRate" is required and must be a finite number > 0, got undefined',
    );
    expect(() => requireHyperParameter('sgd', { learningRate: 0.1 }, 'learningRate')).not.toThrow();
  });
});

describe('hyper-parameters in f32 (what the kernels receive)', () => {
  // Each value passes its rule in f64 but not after Math.fround: 1e-46 is below the smallest
  // f32 subnormal (≈1.4e-45) and becomes 0, 1e39 exceeds the largest f32 (≈3.4e38) and
  // becomes Infinity, 1 − 1e-11 rounds to 1, outside [0, 1).
  it.each([
    ['learningRate', 1e-46, '0'],
    ['learningRate', 1e39, 'Infinity'],
    ['momentum', 1 - 1e-11, '1'],
    ['beta1', 1e-50, '0'],
    ['beta2', 0.999999999999, '1'],
    ['epsilon', 1e-46, '0'],
    ['epsilon', 5e38, 'Infinity'],
    ['weightDecay', 1e-46, '0'],
    ['weightDecay', 1e300, 'Infinity'],
  ])('%s = %s is refused: it becomes %s in f32', (option, value, rounded) => {
    const call = () => validateHyperParameter('adamw', option, value);
    expect(call).toThrow(OptimizerOptionError);
    expect(call).toThrow(RangeError);
    expect(call).toThrow(`adamw: "${option}" must be`);
    expect(call).toThrow(`in f32 as well`);
    expect(call).toThrow(`magnitudes from 1.401e-45 to 3.403e+38`);
    expect(call).toThrow(`it becomes ${rounded} there), got ${value}`);
  });

  it('accepts the extremes f32 still holds, and 0 where 0 is allowed', () => {
    expect(validateHyperParameter('x', 'learningRate', 2 ** -149)).toBe(2 ** -149);
    expect(validateHyperParameter('x', 'learningRate', 3.4e38)).toBe(3.4e38);
    expect(validateHyperParameter('x', 'weightDecay', 0)).toBe(0);
    expect(validateHyperParameter('x', 'momentum', 0.9999999)).toBe(0.9999999);
    expect(() => checkFloat32('x', 'y', 1e-40, 'must be > 0')).not.toThrow();
  });

  it('every factory and set() refuse a learning rate that vanishes in f32', () => {
    const factories = [
      () => dualProcess({ learningRate: 1e-46 }),
      () => sgd({ learningRate: 1e-46 }),
      () => momentum({ learningRate: 1e-46, momentum: 0.9 }),
      () => adam({ learningRate: 1e-46 }),
      () => adamw({ learningRate: 1e-46 }),
      () => optimizerFromConfig({ name: 'sgd', hyperParameters: { learningRate: 1e-46 } }),
    ];
    for (const make of factories) expect(make).toThrow(/"learningRate" .* in f32 as well/);
    const optimizer = dualProcess();
    expect(() => optimizer.set('momentum', 1 - 1e-11)).toThrow(/in f32 as well/);
    expect(optimizer.hyperParameters.momentum).toBeLessThan(1);
  });
});

describe('optimizer factories refuse options of the wrong type with a TypeError', () => {
  it.each([
    ['adam("fast")', () => adam('fast' as never), 'adam: "options" must be an object, got "fast"'],
    ['adam(null)', () => adam(null as never), 'adam: "options" must be an object, got null'],
    ['sgd(0.1)', () => sgd(0.1 as never), 'sgd: "options" must be an object, got 0.1'],
    [
      'dualProcess({ rounded: "yes" })',
      () => dualProcess({ rounded: 'yes' as never }),
      'dualProcess: "rounded" must be a boolean, got "yes"',
    ],
    [
      'momentum({ learningRate: "0.1" })',
      () => momentum({ learningRate: '0.1' as never, momentum: 0.9 }),
      'momentum: "learningRate" must be a finite number > 0, got "0.1"',
    ],
    [
      'set("learningRate", "0.1")',
      () => adam().set('learningRate', '0.1' as never),
      'adam: "learningRate" must be a finite number > 0, got "0.1"',
    ],
    [
      'optimizerFromConfig("adam")',
      () => optimizerFromConfig('adam' as never),
      'optimizerFromConfig: "config" must be an object { name, hyperParameters } (from optimizer.toConfig()), got "adam"',
    ],
    [
      'optimizerFromConfig(null)',
      () => optimizerFromConfig(null as never),
      'optimizerFromConfig: "config" must be an object',
    ],
    [
      'optimizerFromConfig({ name: 1 })',
      () => optimizerFromConfig({ name: 1, hyperParameters: {} } as never),
      'optimizerFromConfig: "name" must be a string, got 1',
    ],
    [
      'optimizerFromConfig({ hyperParameters: "x" })',
      () => optimizerFromConfig({ name: 'adam', hyperParameters: 'x' } as never),
      'optimizerFromConfig: "hyperParameters" must be an object of option values, got "x"',
    ],
  ])('%s', (_, call, message) => {
    expect(call).toThrow(TypeError);
    expect(call).toThrow(message);
  });
});
