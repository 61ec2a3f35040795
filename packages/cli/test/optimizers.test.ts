/**
 * Every `--optimizer` name of the registry trains through the built binary at its defaults:
 * the loop is over the optimizer package's `optimizerPresets`, so a new optimizer is tested
 * here without editing this file.
 */
import { optimizerFromPreset, optimizerPresets } from '@dualphi/optimizer';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe.each(optimizerPresets.map((preset) => [preset.name]))(
  'dualphi train --optimizer %s',
  (name) => {
    it('trains one epoch at its defaults and reports its configuration', async () => {
      const result = await runCli([
        'train',
        '--json',
        '--optimizer',
        name,
        '--epochs',
        '1',
        '--hidden',
        '16',
      ]);
      expect(result.code, result.stderr).toBe(0);
      const document = JSON.parse(result.stdout);
      expect(document.config.optimizer).toEqual(optimizerFromPreset(name).toConfig());
      expect(document.epochs).toHaveLength(1);
      expect(Number.isFinite(document.final.testAccuracy)).toBe(true);
      // Better than chance (10 classes) after one epoch: the update actually moves the weights.
      expect(document.final.testAccuracy).toBeGreaterThan(0.1);
    }, 60_000);
  },
);
