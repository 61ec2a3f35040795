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

describe('dualphi train --schedule --warmup --clip-norm --weight-decay', () => {
  it('records the transforms in the configuration (heavy ball: decoupled decay as a transform)', async () => {
    const result = await runCli([
      'train',
      '--json',
      '--epochs',
      '1',
      '--hidden',
      '16',
      '--schedule',
      'warmup-cosine',
      '--warmup',
      '20',
      '--clip-norm',
      '1',
      '--weight-decay',
      '0.0001',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const { config } = JSON.parse(result.stdout);
    expect(config.optimizer.name).toBe('dualProcess');
    expect(config.optimizer.transforms).toEqual({
      schedule: { kind: 'warmup-cosine', warmupSteps: 20 },
      clipNorm: 1,
      weightDecay: 0.0001,
    });
  }, 60_000);

  it("sets an optimizer's own weight decay where it has one", async () => {
    const result = await runCli([
      'train',
      '--json',
      '--epochs',
      '1',
      '--hidden',
      '16',
      '--optimizer',
      'adamw',
      '--weight-decay',
      '0.05',
      '--schedule',
      'cosine',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const { config } = JSON.parse(result.stdout);
    expect(config.optimizer.hyperParameters.weightDecay).toBe(0.05);
    expect(config.optimizer.transforms).toEqual({ schedule: { kind: 'cosine' } });
  }, 60_000);
});
