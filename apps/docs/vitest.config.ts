import { defineConfig, mergeConfig } from 'vitest/config';
import { shared } from '../../vitest.shared.js';

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      // Browser start-up plus training to 0.9 accuracy: allow more than the shared 60 s.
      testTimeout: 180_000,
      hookTimeout: 120_000,
    },
  }),
);
