/**
 * Named sweep entries: an optimizer from the registry by its command-line name, with
 * settings — `adam@1e-3` (the learning rate), `prodigy` (its defaults),
 * `momentum@learningRate=0.01:momentum=0.9` (named options). Any preset the registry
 * declares works, including ones added after this module was written.
 */
import type { OptimizerKind } from '../optimizers/define.js';
import { optimizerPresets } from '../optimizers/registry.js';
import type { HyperParameterValue, OptimizerConfig } from '../optimizers/types.js';

/** A parsed entry. */
export interface SweepEntry {
  /** The entry as written (the cell's label). */
  text: string;
  /** The optimizer it stands for. */
  optimizer: OptimizerConfig;
  /** The registry kind of the optimizer. */
  kind: OptimizerKind;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function settingValue(text: string, entry: string): HyperParameterValue {
  if (text === 'true' || text === 'false') return text === 'true';
  if (!DECIMAL.test(text)) {
    throw new RangeError(`"${entry}": "${text}" is not a number (or true/false)`);
  }
  return Number(text);
}

/**
 * Parses `name`, `name@value` (value = the learning rate) or `name@option=value:option=value`.
 *
 * @throws RangeError for an unknown name (listing the allowed ones) or settings the
 *   optimizer rejects (naming the option and its range).
 */
export function parseEntry(text: string): SweepEntry {
  const trimmed = text.trim();
  const at = trimmed.indexOf('@');
  const name = at < 0 ? trimmed : trimmed.slice(0, at);
  const preset = optimizerPresets.find((p) => p.name === name);
  if (!preset) {
    throw new RangeError(
      `"${trimmed}": unknown optimizer "${name}" (allowed: ${optimizerPresets.map((p) => p.name).join(', ')}, each optionally with @learning-rate or @option=value:option=value)`,
    );
  }
  const options: Record<string, HyperParameterValue> = { ...preset.options };
  if (at >= 0) {
    const settings = trimmed.slice(at + 1);
    if (settings === '') throw new RangeError(`"${trimmed}": nothing after @`);
    if (!settings.includes('=')) {
      options.learningRate = settingValue(settings, trimmed);
    } else {
      for (const part of settings.split(':')) {
        const eq = part.indexOf('=');
        if (eq <= 0) throw new RangeError(`"${trimmed}": "${part}" is not option=value`);
        options[part.slice(0, eq)] = settingValue(part.slice(eq + 1), trimmed);
      }
    }
  }
  let optimizer: OptimizerConfig;
  try {
    optimizer = preset.module.create(options).toConfig();
  } catch (error) {
    const known = Object.keys(preset.module.options).join(', ');
    throw new RangeError(
      `"${trimmed}": ${(error as Error).message} (options of ${name}: ${known})`,
    );
  }
  return { text: trimmed, optimizer, kind: preset.module.kind };
}
