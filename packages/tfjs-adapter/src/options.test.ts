/**
 * Options of the wrong type at the public boundary: each is refused at once with a TypeError
 * naming the option (a string options argument used to be spread into options "0", "1", …, a
 * `log` that is not a function failed only at the end of the first epoch), and values f32
 * cannot hold are refused like in `@dualphi/optimizer`.
 */
import { OptimizerOptionError, OptimizerOptionTypeError } from '@dualphi/optimizer';
import { describe, expect, it } from 'vitest';
import { processBalance } from './callbacks.js';
import { DualProcessOptimizer, dualProcess } from './index.js';

describe('wrong option types are a TypeError naming the option', () => {
  it.each([
    [
      'dualProcess("rounded")',
      () => dualProcess('rounded' as never),
      /dualProcess: "options" must be an object, got "rounded"/,
    ],
    [
      'dualProcess(null)',
      () => dualProcess(null as never),
      /dualProcess: "options" must be an object, got null/,
    ],
    [
      'new DualProcessOptimizer(0.1)',
      () => new DualProcessOptimizer(0.1 as never),
      /"options" must be an object, got 0.1/,
    ],
    [
      'dualProcess({ learningRate: "0.1" })',
      () => dualProcess({ learningRate: '0.1' as never }),
      /"learningRate" must be a finite number > 0, got "0.1"/,
    ],
    [
      'dualProcess({ rounded: 1 })',
      () => dualProcess({ rounded: 1 as never }),
      /"rounded" must be a boolean, got 1/,
    ],
    [
      'dualProcess({ fused: 1 })',
      () => dualProcess({ fused: 1 as never }),
      /dualProcess: "fused" must be 'auto', true or false, got 1/,
    ],
    [
      'setLearningRate("0.1")',
      () => dualProcess().setLearningRate('0.1' as never),
      /"learningRate" must be a finite number > 0, got "0.1"/,
    ],
    [
      'setMomentum(null)',
      () => dualProcess().setMomentum(null as never),
      /"momentum" must be in \[0, 1\), got null/,
    ],
    [
      'processBalance("quiet")',
      () => processBalance('quiet' as never),
      /processBalance\(\): the options must be an object, got "quiet"/,
    ],
    [
      'processBalance(null)',
      () => processBalance(null as never),
      /the options must be an object, got null/,
    ],
    [
      'processBalance({ log: "yes" })',
      () => processBalance({ log: 'yes' as never }),
      /"log" must be a function of one line, or false, got "yes"/,
    ],
    [
      'processBalance({ log: {} })',
      () => processBalance({ log: {} as never }),
      /"log" must be a function of one line, or false, got an object/,
    ],
    [
      'processBalance({ stopOnNonFinite: "no" })',
      () => processBalance({ stopOnNonFinite: 'no' as never }),
      /"stopOnNonFinite" must be a boolean, got "no"/,
    ],
  ])('%s', (_, call, message) => {
    expect(call).toThrow(TypeError);
    expect(call).toThrow(message);
  });

  it('the hyper-parameter type errors are OptimizerOptionTypeErrors', () => {
    expect(() => dualProcess('x' as never)).toThrow(OptimizerOptionTypeError);
    expect(() => dualProcess({ momentum: '0.9' as never })).toThrow(OptimizerOptionTypeError);
  });

  it('values of the right type out of range stay RangeErrors', () => {
    expect(() => dualProcess({ fused: 'yes' as never })).toThrow(RangeError);
    expect(() => processBalance({ logs: false } as never)).toThrow(
      /processBalance\(\): "logs" is not an option \(allowed: log, stopOnNonFinite\)/,
    );
    expect(() => processBalance({ log: false, stopOnNonFinite: false })).not.toThrow();
    expect(() => processBalance()).not.toThrow();
  });
});

describe('hyper-parameters f32 cannot hold', () => {
  it('refuses a learning rate that becomes 0 or Infinity in f32, and a momentum that becomes 1', () => {
    for (const call of [
      () => dualProcess({ learningRate: 1e-46 }),
      () => dualProcess({ learningRate: 1e39 }),
      () => dualProcess().setLearningRate(1e-46),
      () => dualProcess({ momentum: 1 - 1e-11 }),
      () => dualProcess().setMomentum(1 - 1e-11),
    ]) {
      expect(call).toThrow(OptimizerOptionError);
      expect(call).toThrow(/in f32 as well.*it becomes (0|Infinity|1) there\), got/);
    }
    const optimizer = dualProcess();
    expect(() => optimizer.setLearningRate(1e-46)).toThrow(RangeError);
    expect(optimizer.learningRate).toBeGreaterThan(0.01);
  });
});
