import { describe, expect, it } from 'vitest';
import { colorsEnabled, Output, type TextStream } from './output.js';

function stream(isTTY = false): TextStream & { text: string } {
  return {
    text: '',
    isTTY,
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  };
}

describe('Output', () => {
  it('--json: results and messages go to stderr, exactly one document to stdout, NaN as null', () => {
    const stdout = stream(true);
    const stderr = stream(true);
    const output = new Output({ json: true, stdout, stderr, env: {} });
    expect(output.interactive).toBe(true); // the bar is on stderr, away from the document
    output.result('a row');
    output.message('a message');
    output.document({ accuracy: 0.9, angle: Number.NaN, values: new Float32Array([1, 2]) });
    expect(stderr.text).toBe('a row\na message\n');
    expect(JSON.parse(stdout.text)).toEqual({ accuracy: 0.9, angle: null, values: [1, 2] });
    expect(() => output.document({})).toThrow(/second JSON document/);
  });

  it('without --json: results to stdout, no document, progress only on a terminal', () => {
    const stdout = stream(false);
    const stderr = stream(false);
    const output = new Output({ json: false, stdout, stderr, env: {} });
    output.result('row');
    output.document({ ignored: true });
    expect(stdout.text).toBe('row\n');
    expect(output.interactive).toBe(false);
    expect(output.resultIsTerminal).toBe(false);
    expect(
      new Output({ json: false, stdout: stream(true), stderr: stream(true), env: {} }).interactive,
    ).toBe(true);
  });

  it('colours follow NO_COLOR, FORCE_COLOR, --no-color and the terminal', () => {
    expect(colorsEnabled(stream(true), {})).toBe(true);
    expect(colorsEnabled(stream(false), {})).toBe(false);
    expect(colorsEnabled(stream(true), { NO_COLOR: '1' })).toBe(false);
    expect(colorsEnabled(stream(true), { NO_COLOR: '' })).toBe(true);
    expect(colorsEnabled(stream(false), { FORCE_COLOR: '1' })).toBe(true);
    expect(colorsEnabled(stream(true), {}, true)).toBe(false);
    expect(colorsEnabled(stream(true), { TERM: 'dumb' })).toBe(false);
    const output = new Output({
      json: false,
      stdout: stream(true),
      stderr: stream(true),
      env: { NO_COLOR: '1' },
    });
    expect(output.colors.red('x')).toBe('x');
  });
});
